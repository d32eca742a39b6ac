/** `GET /metrics` as a scraper sees it. */
export async function scrape(appUrl: string, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${appUrl}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text() };
}

/** The value of one sample (`name{labels}`) in exposition text; 0 when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return 0;
}

/** Scrapes and reads one sample. */
export async function metric(appUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sample((await scrape(appUrl)).text, name, labels);
}
