/**
 * A cucumber-js formatter that listens to nothing and writes nothing. cucumber always runs one formatter
 * on its stdout; cis-bdd's API discards that output, so the one it runs there should cost nothing (the
 * "summary" formatter it replaces formatted every failure, with stack traces, for a sink that drops it).
 */
import { Formatter } from '@cucumber/cucumber';

export default class NullFormatter extends Formatter {
  static override readonly documentation = 'Writes nothing (cis-bdd discards cucumber\'s console output)';
}
