/** The line formats the time daemons' configuration shares: keyword lines, and shell variable files. */
import { CheckError } from '../model/verdict.js';

export interface ConfigLine { keyword: string; args: string[]; file: string; line: number; text: string }

