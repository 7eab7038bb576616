/** Steps about the GNOME Display Manager's key files: /etc/gdm3/greeter.dconf-defaults and /etc/gdm3/custom.conf. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { gdmCustomConf, gdmGreeterDefaults, keyFileBoolean, keyFileValue, GDM_CUSTOM, GREETER_DEFAULTS, type KeyFile } from '../src/facts/gdm.js';
import { CheckError } from '../src/model/verdict.js';

async function gdmFile(world: CisWorld, path: string): Promise<KeyFile> {
  if (path === GREETER_DEFAULTS) return world.fact(gdmGreeterDefaults);
  if (path === GDM_CUSTOM) return world.fact(gdmCustomConf);
  throw new CheckError(`${path} is not a GDM file this check reads (${GREETER_DEFAULTS}, ${GDM_CUSTOM})`);
}

async function setting(world: CisWorld, path: string, section: string, key: string) {
  const file = await gdmFile(world, path);
  if (!file.exists) {
    world.record(path, 'does not exist');
    world.fail(`${path} does not exist: ${key} is not set`);
  }
  const v = keyFileValue(file, section, key);
  if (!v) {
    world.record(path, `no "${key}" in the section [${section}]`);
    world.fail(`${path} does not set ${key} in the section [${section}]`);
  }
  world.record(`${path}:${v.line}`, `[${section}] ${v.key}=${v.value}`);
  return v;
}

Then('the GDM setting {string} in the section {string} of {string} is {string}', async function (this: CisWorld, key: string, section: string, path: string, wanted: string) {
  const v = await setting(this, path, section, key);
  const wantBool = keyFileBoolean(wanted);
  const same = wantBool !== undefined ? keyFileBoolean(v.value) === wantBool : v.value === wanted;
  if (!same) this.fail(`${path}:${v.line} sets ${key}=${v.value}, expected ${wanted}`);
});

Then('the GDM setting {string} in the section {string} of {string} is a text that is not empty', async function (this: CisWorld, key: string, section: string, path: string) {
  const v = await setting(this, path, section, key);
  const text = v.value.replace(/^(["'])(.*)\1$/, '$2').trim();
  if (!text) this.fail(`${path}:${v.line} sets ${key} to an empty text`);
});

Then('the GDM setting {string} in the section {string} of {string} is not true', async function (this: CisWorld, key: string, section: string, path: string) {
  const file = await gdmFile(this, path);
  if (!file.exists) { this.record(path, `does not exist: ${key} keeps its default (false)`); return; }
  const v = keyFileValue(file, section, key);
  if (!v) { this.record(path, `no "${key}" in the section [${section}]: the default (false) applies`); return; }
  this.record(`${path}:${v.line}`, `[${section}] ${v.key}=${v.value}`);
  if (keyFileBoolean(v.value) !== false) this.fail(`${path}:${v.line} sets ${key}=${v.value} in [${section}]`);
});
