import { ensureUbuntuBase } from './support/fixtures.js';

export default function setup(): void {
  ensureUbuntuBase();
}
