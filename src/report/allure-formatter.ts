/**
 * allure-cucumberjs's formatter, with one correction: it files scenarios whose steps are pending,
 * undefined or ambiguous as passed (such a step has no Allure status, and an empty worst status
 * defaults to passed). A check that did not run is never a pass, so those steps are "broken" here.
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import * as reporterModule from 'allure-cucumberjs/reporter';
import { Status } from 'allure-js-commons';

// The package's type declarations describe the CommonJS shape; at run time the ESM default is the class.
const AllureCucumberReporter = ((reporterModule as { default?: unknown }).default ?? reporterModule) as typeof Formatter;

type StepResult = { status: string };

export default class CisAllureFormatter extends AllureCucumberReporter {
  constructor(options: IFormatterOptions) {
    super(options);
    const self = this as unknown as { parseStatus: (r: StepResult) => Status | undefined };
    const original = self.parseStatus.bind(this);
    self.parseStatus = (result: StepResult) => {
      if (result.status === 'PENDING' || result.status === 'UNDEFINED' || result.status === 'AMBIGUOUS') return Status.BROKEN;
      return original(result);
    };
  }
}
