import { rootfsItemCases } from '../support/cases.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';

rootfsItemCases(UBUNTU, ['6.1'], [
  { id: '6.1.2', expect: 'pass', given: '/etc/passwd is 0644 root:root', change: (l) => { l.chmod('/etc/passwd', 0o644); l.chown('/etc/passwd', 0, 0); } },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd is group-writable', change: (l) => l.chmod('/etc/passwd', 0o664), reason: /more permissive than 0644/ },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd is owned by a normal user', change: (l) => l.chown('/etc/passwd', 1000, 0), reason: /owned by uid 1000:root/ },
]);
