"""
Drives the real Linux-PAM of the root filesystem it runs in (python3 and ctypes, no compiler needed).
Input on stdin, JSON: {"user": name, "old": password, "cases": [...]}. Each case writes its files
(PAM service files, pwquality.conf and its .d), resets the user's /etc/shadow entry to a known old
password, then, in a child process with the real uid of the user and effective uid 0 (as passwd runs),
calls pam_chauthtok through the case's service with the case's new password. It prints one JSON line
per case: PAM's return code, and only the kind of hash now stored ("$6$", "$1$", "des" ...), never the hash.
Each case may list earlier passwords for /etc/security/opasswd (pam_pwhistory).
Cases of kind "conf" instead read pwquality.conf through libpwquality and print its integer settings.
"""
import ctypes, json, os, sys, crypt, shutil

libpam = ctypes.CDLL('libpam.so.0')
libc = ctypes.CDLL('libc.so.6')
libc.calloc.restype = ctypes.c_void_p
libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
libc.strdup.restype = ctypes.c_void_p
libc.strdup.argtypes = [ctypes.c_char_p]

class Msg(ctypes.Structure):
    _fields_ = [('msg_style', ctypes.c_int), ('msg', ctypes.c_char_p)]

class Resp(ctypes.Structure):
    _fields_ = [('resp', ctypes.c_void_p), ('resp_retcode', ctypes.c_int)]

CONV = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(Msg)),
                        ctypes.POINTER(ctypes.POINTER(Resp)), ctypes.c_void_p)

class Conv(ctypes.Structure):
    _fields_ = [('conv', CONV), ('appdata_ptr', ctypes.c_void_p)]

# libpam waits about two seconds after a failed request; a delay function of our own replaces the wait
DELAY = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p)
no_delay = DELAY(lambda retval, usec, data: None)
PAM_FAIL_DELAY = 10

libpam.pam_set_item.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
libpam.pam_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(Conv), ctypes.POINTER(ctypes.c_void_p)]
libpam.pam_chauthtok.argtypes = [ctypes.c_void_p, ctypes.c_int]
libpam.pam_end.argtypes = [ctypes.c_void_p, ctypes.c_int]
libpam.pam_strerror.argtypes = [ctypes.c_void_p, ctypes.c_int]
libpam.pam_strerror.restype = ctypes.c_char_p


def write_files(files):
    for path, content in files.items():
        if content is None:
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.lexists(path):
                os.remove(path)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(content)


def set_shadow(user, hashed):
    with open('/etc/shadow') as f:
        lines = f.read().split('\n')
    out = [l for l in lines if l and not l.startswith(user + ':')]
    out.append('%s:%s:18000:0:99999:7:::' % (user, hashed))
    with open('/etc/shadow', 'w') as f:
        f.write('\n'.join(out) + '\n')


def hash_kind(user):
    with open('/etc/shadow') as f:
        for l in f:
            p = l.split(':')
            if p[0] == user:
                h = p[1]
                if h.startswith('$'):
                    return h[:h.index('$', 1) + 1]
                return 'des' if len(h) == 13 else 'bigcrypt' if len(h) > 13 else 'other'
    return 'none'


def change(service, user, old, new):
    messages = []
    prompts = [0]

    def conv(n, msgs, resp, _data):
        arr = libc.calloc(n, ctypes.sizeof(Resp))
        r = ctypes.cast(arr, ctypes.POINTER(Resp))
        for i in range(n):
            m = msgs[i].contents
            text = (m.msg or b'').decode('utf8', 'replace')
            if m.msg_style in (1, 2):
                prompts[0] += 1
                if prompts[0] > 30:
                    return 19  # PAM_CONV_ERR
                answer = old if 'current' in text.lower() else new
                r[i].resp = libc.strdup(answer.encode())
            else:
                messages.append(text)
            r[i].resp_retcode = 0
        resp[0] = r
        return 0

    c = Conv(CONV(conv), None)
    h = ctypes.c_void_p()
    rc = libpam.pam_start(service.encode(), user.encode(), ctypes.byref(c), ctypes.byref(h))
    if rc != 0:
        return {'rc': rc, 'error': 'pam_start'}
    libpam.pam_set_item(h, PAM_FAIL_DELAY, ctypes.cast(no_delay, ctypes.c_void_p))
    rc = libpam.pam_chauthtok(h, 0)
    err = libpam.pam_strerror(h, rc).decode()
    libpam.pam_end(h, rc)
    return {'rc': rc, 'strerror': err, 'messages': messages, 'prompts': prompts[0]}


def set_history(user, uid, passwords):
    # pam_pwhistory's /etc/security/opasswd: user:uid:count:hash,hash
    hashes = [crypt.crypt(p, crypt.mksalt(crypt.METHOD_SHA512)) for p in passwords]
    with open('/etc/security/opasswd', 'w') as f:
        if hashes:
            f.write('%s:%d:%d:%s\n' % (user, uid, len(hashes), ','.join(hashes)))


def run_case(case, user, uid, old, old_hash):
    write_files(case.get('files', {}))
    set_shadow(user, old_hash)
    set_history(user, uid, case.get('history', []))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setreuid(uid, 0)
            res = change(case['service'], user, old, case['password'])
        except Exception as e:  # report, never hang
            res = {'rc': -1, 'error': repr(e)}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    data = b''
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    res = json.loads(data.decode() or '{"rc": -2}')
    res['hash'] = hash_kind(user)
    res['changed'] = res['hash'] != '$6$' or open('/etc/shadow').read().count(old_hash) == 0
    return res


def read_conf(case):
    write_files(case.get('files', {}))
    lib = ctypes.CDLL('libpwquality.so.1')
    lib.pwquality_default_settings.restype = ctypes.c_void_p
    lib.pwquality_read_config.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.pwquality_get_int_value.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    pwq = lib.pwquality_default_settings()
    aux = ctypes.c_void_p()
    rc = lib.pwquality_read_config(pwq, None, ctypes.byref(aux))
    values = {}
    for name, num in [('difok', 1), ('minlen', 3), ('dcredit', 4), ('ucredit', 5), ('lcredit', 6), ('ocredit', 7),
                      ('minclass', 8), ('maxrepeat', 9), ('maxclassrepeat', 11), ('gecoscheck', 12),
                      ('maxsequence', 14), ('dictcheck', 15), ('usercheck', 16), ('enforcing', 17)]:
        v = ctypes.c_int()
        if lib.pwquality_get_int_value(pwq, num, ctypes.byref(v)) == 0:
            values[name] = v.value
    return {'rc': rc, 'values': values}


def main():
    spec = json.load(sys.stdin)
    user, old = spec.get('user', 'cisdiff'), spec.get('old', '')
    import pwd
    uid = pwd.getpwnam(user).pw_uid if spec.get('cases') and any(c.get('kind') != 'conf' for c in spec['cases']) else 0
    old_hash = crypt.crypt(old, crypt.mksalt(crypt.METHOD_SHA512)) if old else ''
    for case in spec['cases']:
        res = read_conf(case) if case.get('kind') == 'conf' else run_case(case, user, uid, old, old_hash)
        res['id'] = case.get('id')
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


main()
