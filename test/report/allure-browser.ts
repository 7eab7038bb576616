/**
 * Reading an Allure 3 HTML report as a person does: in the system's headless Chromium (playwright-core),
 * from disk, with every host name unresolvable. What these helpers return is what is on the screen: the
 * summary's counts, the tree's entries, an item's title, status badge, labels, description and steps.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CIS_BDD_CHROMIUM ?? '/usr/bin/chromium';

let browser: BrowserContext | undefined;
let profile: string | undefined;

export async function openReport(indexHtml: string): Promise<Page> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
  profile ??= mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-chromium-'));
  browser ??= await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 1000 },
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
  });
  const page = await browser.newPage();
  await page.goto(pathToFileURL(indexHtml).href);
  await page.locator('[data-testid="metadata-item-total"] [data-testid="metadata-value"]').waitFor({ timeout: 30_000 });
  return page;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
  profile = undefined;
}

const int = (text: string) => Number.parseInt(text.replace(/\D+/g, ''), 10);

/** The summary's counts as shown: { total, failed, passed, skipped, broken, retries, ... }. */
export async function summaryCounts(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const item of await page.locator('[data-testid^="metadata-item-"]').all()) {
    const name = (await item.getAttribute('data-testid'))!.slice('metadata-item-'.length);
    counts[name] = int(await item.locator('[data-testid="metadata-value"]').innerText());
  }
  return counts;
}

/** Type in the tree's search box and open every group, so that every matching item is on the screen. */
export async function searchTree(page: Page, query: string): Promise<void> {
  await page.locator('[data-testid="search-input"]').fill(query);
  await page.waitForTimeout(400);
  for (let round = 0; round < 100; round++) {
    // a group is open when its arrow icon says so
    const closed = page.locator('[data-testid="tree-section"]:has(> [data-testid="tree-arrow"] svg:not([class*="--opened"]))');
    const arrows = await closed.locator('> [data-testid="tree-arrow"]').elementHandles();
    if (!arrows.length) return;
    // open every closed group in view, then look again (opening one shows the groups inside it)
    for (const arrow of arrows) await arrow.click().catch(() => undefined);
    await page.waitForTimeout(100);
  }
}

export interface TreeEntry { title: string; status: string }

/** The items the tree shows: each title with its status icon. */
export async function treeEntries(page: Page): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  for (const leaf of await page.locator('[data-testid="tree-leaf"]').all()) {
    const title = (await leaf.locator('[data-testid="tree-leaf-title"]').innerText()).trim();
    const statusId = await leaf.locator('[data-testid^="tree-leaf-status-"]').first().getAttribute('data-testid');
    out.push({ title, status: statusId!.slice('tree-leaf-status-'.length) });
  }
  return out;
}

export interface ItemPage {
  title: string;
  /** the status badge, as written */
  badge: string;
  /** the line under the title: severity, category, duration */
  header: string;
  labels: Record<string, string[]>;
  /** the rendered description, as text */
  description: string;
  /** everything on the page outside the description, with the steps open */
  text: string;
  /** whether Allure's error box (titled "Error") is shown */
  errorBox: boolean;
  retries: string;
}

/** Click the tree entry with this title (after searchTree) and read the item's page. */
export async function openItem(page: Page, title: string, screenshot?: string): Promise<ItemPage> {
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  await page.locator('[data-testid="tree-leaf"]', { has: page.locator('[data-testid="tree-leaf-title"]', { hasText: exact }) }).first().click();
  const heading = page.locator('[data-testid="test-result-info-title"]');
  await heading.waitFor();
  // all labels, not the first few
  const more = page.getByText('Show more', { exact: true });
  if (await more.count()) await more.first().click();
  const labels: Record<string, string[]> = {};
  for (const item of await page.locator('[data-testid="metadata-item"]').all()) {
    const key = (await item.locator('[data-testid="metadata-item-key"]').innerText()).trim();
    const values = (await item.locator('[data-testid="metadata-item-value"]').allInnerTexts()).flatMap((v) => v.split('\n')).map((v) => v.trim()).filter(Boolean);
    labels[key] = [...(labels[key] ?? []), ...values];
  }
  const frame = page.frameLocator('[data-testid="test-result-description-frame"]');
  const hasDescription = (await page.locator('[data-testid="test-result-description-frame"]').count()) > 0;
  const description = hasDescription ? await frame.locator('body').innerText() : '';
  // open the steps of the test body, failed ones included
  for (const toggle of await page.locator('[data-testid="test-result-step-header"]').all()) await toggle.click().catch(() => undefined);
  const retriesTab = await page.locator('[data-testid="test-result-tab-retries"]').innerText().catch(() => '');
  const result: ItemPage = {
    title: (await heading.innerText()).trim(),
    badge: (await page.locator('[data-testid^="test-result-status-"]').first().innerText()).trim(),
    header: (await heading.locator('xpath=..').innerText()).replace(/\s+/g, ' '),
    labels,
    description,
    text: await page.locator('body').innerText(),
    errorBox: (await page.locator('[data-testid="test-result-error"]').count()) > 0,
    retries: retriesTab.replace(/\s+/g, ' ').trim(),
  };
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await page.goBack();
  await page.locator('[data-testid="search-input"]').waitFor();
  return result;
}

/** The Categories tab: each category's name with the count beside it, as shown. */
export async function categories(page: Page, screenshot?: string): Promise<string> {
  await page.locator('[data-testid="nav-tab-categories"]').click();
  await page.waitForTimeout(500);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  return page.locator('body').innerText();
}
