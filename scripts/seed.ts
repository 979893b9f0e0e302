// Demo inventory: realistic synthetic customers and holdings, streamed into PostgreSQL through COPY.
//
//   npx tsx scripts/seed.ts [--customers 2000] [--seed 1]
//
// Deterministic: the same --seed and --customers give the same rows, so re-running changes nothing.
// Every address is at example.com / example.org / example.net (reserved for examples, RFC 2606).
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DataCategory } from '../core/domain/categories';
import { loadConfig } from '../core/config';
import { copyCustomers, copyHoldings } from '../core/db/inventory';
import type { Pool } from '../core/db/pool';
import { withDatabase } from './lib/database';

export interface SeedOptions {
  /** How many customers (about three holdings each). */
  customers: number;
  /** Which demo population: the same seed gives the same rows. @default 1 */
  seed?: number;
  /** Progress lines. @default silent */
  log?: (message: string) => void;
}

export interface SeedResult {
  customers: number;
  holdings: number;
  seconds: number;
}

// --- Deterministic randomness ---------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough for synthetic data; seeded per customer so any row can be rebuilt alone. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

function weighted<T extends { weight: number }>(items: readonly T[]): (r: () => number) => T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  return (r) => {
    let x = r() * total;
    for (const item of items) {
      x -= item.weight;
      if (x < 0) return item;
    }
    return items[items.length - 1]!;
  };
}

// --- Who the customers are ------------------------------------------------------------------------

type Culture = 'de' | 'fr' | 'es' | 'it' | 'nl' | 'en' | 'pt' | 'ja' | 'zh';

const NAMES: Record<Culture, { first: string[]; last: string[] }> = {
  de: {
    first: [
      'Anna',
      'Lukas',
      'Sophie',
      'Jonas',
      'Marie',
      'Felix',
      'Lena',
      'Maximilian',
      'Hannah',
      'Paul',
      'Jürgen',
      'Sabine',
      'Jörg',
      'Ute',
    ],
    last: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schulz',
      'Hoffmann',
      'Köhler',
      'Groß',
    ],
  },
  fr: {
    first: [
      'Camille',
      'Louis',
      'Chloé',
      'Hugo',
      'Léa',
      'Jules',
      'Manon',
      'Gabriel',
      'Inès',
      'Théo',
      'Élodie',
      'François',
    ],
    last: [
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Richard',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Lefèvre',
      'Girard',
    ],
  },
  es: {
    first: [
      'Lucía',
      'Hugo',
      'Martina',
      'Mateo',
      'Sofía',
      'Pablo',
      'Valeria',
      'Álvaro',
      'Carmen',
      'José',
      'María',
      'Javier',
    ],
    last: [
      'García',
      'Rodríguez',
      'González',
      'Fernández',
      'López',
      'Martínez',
      'Sánchez',
      'Pérez',
      'Gómez',
      'Martín',
      'Núñez',
      'Ruiz',
    ],
  },
  it: {
    first: [
      'Giulia',
      'Francesco',
      'Sofia',
      'Alessandro',
      'Aurora',
      'Lorenzo',
      'Chiara',
      'Matteo',
      'Francesca',
      'Niccolò',
    ],
    last: [
      'Rossi',
      'Russo',
      'Ferrari',
      'Esposito',
      'Bianchi',
      'Romano',
      'Colombo',
      'Ricci',
      'Marino',
      'Greco',
      'Bruno',
    ],
  },
  nl: {
    first: [
      'Emma',
      'Daan',
      'Julia',
      'Sem',
      'Mila',
      'Lucas',
      'Tess',
      'Finn',
      'Sanne',
      'Bram',
      'Fleur',
      'Joost',
    ],
    last: [
      'de Jong',
      'Jansen',
      'de Vries',
      'van den Berg',
      'van Dijk',
      'Bakker',
      'Janssen',
      'Visser',
      'Smit',
      'Meijer',
      'de Boer',
    ],
  },
  en: {
    first: [
      'Olivia',
      'James',
      'Amelia',
      'Jack',
      'Isla',
      'Noah',
      'Emily',
      'William',
      'Grace',
      'Liam',
      'Siobhán',
      'Aoife',
      'Ethan',
      'Chloe',
      'Mason',
      'Harper',
      'Aiden',
      'Zoe',
    ],
    last: [
      'Smith',
      'Johnson',
      'Williams',
      'Brown',
      'Jones',
      'Taylor',
      'Davies',
      'Wilson',
      "O'Brien",
      'Murphy',
      'Walsh',
      'Nguyen',
      'Patel',
      'Kim',
      'Clarke',
      'Tremblay',
    ],
  },
  pt: {
    first: [
      'Ana',
      'João',
      'Beatriz',
      'Gabriel',
      'Júlia',
      'Pedro',
      'Larissa',
      'Lucas',
      'Mariana',
      'Rafael',
      'Letícia',
      'Thiago',
    ],
    last: [
      'Silva',
      'Santos',
      'Oliveira',
      'Souza',
      'Rodrigues',
      'Ferreira',
      'Alves',
      'Pereira',
      'Lima',
      'Gomes',
      'Araújo',
      'Conceição',
    ],
  },
  ja: {
    first: [
      'Haruto',
      'Yui',
      'Sota',
      'Hina',
      'Riku',
      'Aoi',
      'Yuto',
      'Mei',
      'Takumi',
      'Sakura',
      'Kenji',
      'Yuki',
    ],
    last: [
      'Sato',
      'Suzuki',
      'Takahashi',
      'Tanaka',
      'Watanabe',
      'Ito',
      'Yamamoto',
      'Nakamura',
      'Kobayashi',
      'Kato',
    ],
  },
  zh: {
    first: ['Wei Ling', 'Jun Jie', 'Xin Yi', 'Zhi Hao', 'Hui Min', 'Kai Wen', 'Mei Ling', 'Jia Hui'],
    last: ['Tan', 'Lim', 'Lee', 'Ng', 'Ong', 'Wong', 'Goh', 'Chua', 'Chan', 'Koh'],
  },
};

interface Jurisdiction {
  weight: number;
  country: string;
  region: string | null;
  /** [locale, culture of names, share] */
  people: [string, Culture, number][];
}

// Weights roughly follow a mid-sized European/US company with customers worldwide.
const JURISDICTIONS: Jurisdiction[] = [
  { weight: 9, country: 'DE', region: null, people: [['de', 'de', 1]] },
  { weight: 7, country: 'FR', region: null, people: [['fr', 'fr', 1]] },
  { weight: 5, country: 'ES', region: null, people: [['es', 'es', 1]] },
  { weight: 5, country: 'IT', region: null, people: [['it', 'it', 1]] },
  {
    weight: 3,
    country: 'NL',
    region: null,
    people: [
      ['nl', 'nl', 0.85],
      ['en', 'en', 0.15],
    ],
  },
  { weight: 2, country: 'IE', region: null, people: [['en', 'en', 1]] },
  { weight: 8, country: 'GB', region: null, people: [['en', 'en', 1]] },
  {
    weight: 9,
    country: 'US',
    region: 'US-CA',
    people: [
      ['en', 'en', 0.75],
      ['es', 'es', 0.25],
    ],
  },
  {
    weight: 6,
    country: 'US',
    region: 'US-NY',
    people: [
      ['en', 'en', 0.9],
      ['es', 'es', 0.1],
    ],
  },
  {
    weight: 6,
    country: 'US',
    region: 'US-TX',
    people: [
      ['en', 'en', 0.75],
      ['es', 'es', 0.25],
    ],
  },
  {
    weight: 5,
    country: 'US',
    region: 'US-FL',
    people: [
      ['en', 'en', 0.8],
      ['es', 'es', 0.2],
    ],
  },
  { weight: 3, country: 'US', region: 'US-MA', people: [['en', 'en', 1]] },
  { weight: 3, country: 'US', region: 'US-WA', people: [['en', 'en', 1]] },
  {
    weight: 3,
    country: 'US',
    region: 'US-IL',
    people: [
      ['en', 'en', 0.9],
      ['es', 'es', 0.1],
    ],
  },
  { weight: 3, country: 'CA', region: 'CA-ON', people: [['en', 'en', 1]] },
  {
    weight: 2,
    country: 'CA',
    region: 'CA-QC',
    people: [
      ['fr', 'fr', 0.85],
      ['en', 'en', 0.15],
    ],
  },
  { weight: 2, country: 'CA', region: 'CA-BC', people: [['en', 'en', 1]] },
  { weight: 3, country: 'AU', region: 'AU-NSW', people: [['en', 'en', 1]] },
  { weight: 2, country: 'AU', region: 'AU-VIC', people: [['en', 'en', 1]] },
  { weight: 4, country: 'BR', region: 'BR-SP', people: [['pt', 'pt', 1]] },
  {
    weight: 2,
    country: 'SG',
    region: null,
    people: [
      ['en', 'zh', 0.7],
      ['en', 'en', 0.3],
    ],
  },
  { weight: 2, country: 'JP', region: null, people: [['ja', 'ja', 1]] },
];
const pickJurisdiction = weighted(JURISDICTIONS);
const DOMAINS = ['example.com', 'example.org', 'example.net'];

// --- What the systems hold ------------------------------------------------------------------------

interface System {
  name: string;
  /** Share of customers this system knows. */
  share: number;
  always: DataCategory[];
  sometimes: [DataCategory, number][];
}

// Shares add up to about 3 holdings per customer.
const SYSTEMS: System[] = [
  {
    name: 'crm',
    share: 0.95,
    always: ['name', 'email'],
    sometimes: [
      ['phone', 0.7],
      ['postal_address', 0.6],
      ['date_of_birth', 0.3],
    ],
  },
  {
    name: 'billing',
    share: 0.75,
    always: ['name', 'postal_address'],
    sometimes: [
      ['payment_card', 0.6],
      ['financial_account', 0.35],
      ['tax_id', 0.15],
    ],
  },
  {
    name: 'support-desk',
    share: 0.55,
    always: ['name', 'email'],
    sometimes: [
      ['phone', 0.5],
      ['ip_address', 0.3],
      ['account_credentials', 0.05],
    ],
  },
  {
    name: 'analytics',
    share: 0.5,
    always: ['email', 'ip_address'],
    sometimes: [['precise_geolocation', 0.3]],
  },
  {
    name: 'identity-verification',
    share: 0.12,
    always: ['name', 'date_of_birth'],
    sometimes: [
      ['passport', 0.4],
      ['drivers_license', 0.5],
      ['biometric', 0.2],
    ],
  },
  {
    name: 'health-benefits',
    share: 0.04,
    always: ['name', 'health_insurance'],
    sometimes: [
      ['medical', 0.5],
      ['genetic', 0.05],
    ],
  },
  {
    name: 'hr-legacy',
    share: 0.03,
    always: ['name', 'date_of_birth', 'postal_address'],
    sometimes: [
      ['financial_account', 0.8],
      ['health_insurance', 0.6],
      ['medical', 0.2],
    ],
  },
];

const DAY = 86_400_000;
const EPOCH = Date.UTC(2008, 0, 1);
const NOW = Date.UTC(2025, 6, 1);

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const day = (ms: number) => new Date(Math.floor(ms / DAY) * DAY).toISOString();

/** CSV field: quoted only when it has to be. */
const csv = (value: string | null): string =>
  value === null ? '' : /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export const CUSTOMER_HEADER =
  'externalId,fullName,email,locale,country,region,status,representativeName,representativeEmail,' +
  'personKey,phone,addressLine1,addressLocality,addressRegion,addressPostalCode,addressCountry,' +
  'electronicConsentAt,electronicConsentMethod\n';

/** A locality and a postal code pattern (# a digit) per country, for the demo's postal addresses. */
const POST: Record<string, { localities: string[]; code: string; numberFirst: boolean }> = {
  DE: { localities: ['Berlin', 'Hamburg', 'München', 'Köln'], code: '#####', numberFirst: false },
  FR: { localities: ['Paris', 'Lyon', 'Marseille', 'Toulouse'], code: '#####', numberFirst: true },
  ES: { localities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla'], code: '#####', numberFirst: false },
  IT: { localities: ['Roma', 'Milano', 'Napoli', 'Torino'], code: '#####', numberFirst: false },
  NL: { localities: ['Amsterdam', 'Rotterdam', 'Utrecht'], code: '#### AB', numberFirst: false },
  IE: { localities: ['Dublin', 'Cork', 'Galway'], code: 'D## F#K#', numberFirst: true },
  GB: { localities: ['London', 'Manchester', 'Leeds', 'Bristol'], code: 'SW# #AA', numberFirst: true },
  US: { localities: ['Springfield', 'Riverside', 'Fairview', 'Franklin'], code: '#####', numberFirst: true },
  CA: { localities: ['Toronto', 'Vancouver', 'Montréal', 'Ottawa'], code: 'K#A #B#', numberFirst: true },
  AU: { localities: ['Sydney', 'Melbourne', 'Newcastle', 'Geelong'], code: '####', numberFirst: true },
  BR: { localities: ['São Paulo', 'Campinas', 'Santos'], code: '#####-###', numberFirst: false },
  SG: { localities: ['Singapore'], code: '######', numberFirst: true },
  JP: { localities: ['Tokyo', 'Osaka', 'Yokohama'], code: '###-####', numberFirst: true },
};
const STREETS = ['Park', 'Station', 'Church', 'Mill', 'Garden', 'Lake', 'Hill', 'Market'];

/**
 * How customer `index` can be reached besides email (issue 14): a postal address for about 95 %,
 * a phone number for about 60 %, an agreement to electronic notices for about 70 %, since a date
 * after they became a customer. Drawn from a generator of its own, so every other field of the
 * population stays what it was before contact facts existed.
 */
function demoContact(
  index: number,
  seed: number,
  country: string,
  region: string | null,
  since: number,
): (string | null)[] {
  const r = rng(Math.imul(seed, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1));
  const post = POST[country];
  const hasAddress = post !== undefined && r() < 0.95;
  const number = String(1 + Math.floor(r() * 199));
  const street = `${pick(r, STREETS)} ${country === 'DE' ? 'Straße' : 'Road'}`;
  const line = post?.numberFirst ? `${number} ${street}` : `${street} ${number}`;
  const locality = post ? pick(r, post.localities) : null;
  const postalCode = post ? post.code.replace(/#/g, () => String(Math.floor(r() * 10))) : null;
  const phone = r() < 0.6 ? `+${digits(r, 2)} ${digits(r, 3)} ${digits(r, 3)} ${digits(r, 4)}` : null;
  const consented = r() < 0.7;
  const consentAt = day(since + r() * (NOW - since));
  return [
    null,
    phone,
    hasAddress ? line : null,
    hasAddress ? locality : null,
    hasAddress && region ? region.slice(3) : null,
    hasAddress ? postalCode : null,
    hasAddress ? country : null,
    consented ? consentAt : null,
    consented ? 'sign-up form checkbox' : null,
  ];
}
export const HOLDING_HEADER = 'customerExternalId,system,categories,from,to,maskedIdentifiers\n';

/** Customer `index` of population `seed`, with its holdings, as CSV lines. */
export function demoCustomer(index: number, seed: number): { customer: string; holdings: string[] } {
  const r = rng(Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  const j = pickJurisdiction(r);
  let share = r();
  const [locale, culture] = j.people.find(([, , s]) => (share -= s) < 0) ?? j.people[0]!;
  const names = NAMES[culture];
  const first = pick(r, names.first);
  const last = pick(r, names.last);
  const externalId = `demo-${String(index + 1).padStart(7, '0')}`;
  const email = `${ascii(first)}.${ascii(last)}.${index + 1}@${pick(r, DOMAINS)}`;
  const roll = r();
  let status = 'active';
  let representativeName: string | null = null;
  let representativeEmail: string | null = null;
  if (roll < 0.006) {
    status = 'deceased';
    if (r() < 0.6) {
      // An executor or relative: same family name, a different first name.
      representativeName = `${pick(r, names.first)} ${last}`;
      representativeEmail = `estate.${ascii(last)}.${index + 1}@${pick(r, DOMAINS)}`;
    }
  } else if (roll < 0.021) {
    status = 'closed';
  }
  // When they became a customer (their holdings start within a year of it).
  const since = EPOCH + r() * (NOW - EPOCH - 30 * DAY);
  const customer = [
    externalId,
    `${first} ${last}`,
    email,
    locale,
    j.country,
    j.region,
    status,
    representativeName,
    representativeEmail,
    ...demoContact(index, seed, j.country, j.region, since),
  ]
    .map(csv)
    .join(',');

  const holdings: string[] = [];
  for (const system of SYSTEMS) {
    if (r() >= system.share) continue;
    const categories = new Set<DataCategory>(system.always);
    for (const [category, p] of system.sometimes) if (r() < p) categories.add(category);
    if (system.name === 'hr-legacy') categories.add(j.country === 'US' ? 'ssn' : 'tax_id');
    const from = since + Math.floor(r() * 365) * DAY;
    const to =
      status === 'closed' || r() < 0.15 ? Math.min(NOW, from + (1 + Math.floor(r() * 8 * 365)) * DAY) : null;
    const masked: Record<string, string> = {};
    if (categories.has('payment_card')) masked.payment_card = digits(r, 4);
    if (categories.has('financial_account')) masked.financial_account = digits(r, 4);
    holdings.push(
      [
        externalId,
        system.name,
        [...categories].join(';'),
        day(Math.min(from, NOW)),
        to === null ? null : day(to),
        Object.keys(masked).length ? JSON.stringify(masked) : null,
      ]
        .map(csv)
        .join(','),
    );
  }
  return { customer, holdings };
}

/** The CSV file, header first, in chunks of a few thousand lines: memory stays flat at any size. */
function csvFile(header: string, count: number, lines: (index: number) => string[]): Readable {
  return Readable.from(
    (function* () {
      yield header;
      const chunk = 5000;
      for (let start = 0; start < count; start += chunk) {
        const out: string[] = [];
        for (let i = start; i < Math.min(count, start + chunk); i++) for (const l of lines(i)) out.push(l);
        yield out.join('\n') + '\n';
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Loads `customers` demo customers (external ids `demo-0000001`…) and their holdings through the
 * same COPY imports as real files. Idempotent: re-running with the same options changes nothing.
 */
export async function seedDemoInventory(pool: Pool, options: SeedOptions): Promise<SeedResult> {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const c = await copyCustomers(
    pool,
    csvFile(CUSTOMER_HEADER, options.customers, (i) => [demoCustomer(i, seed).customer]),
  );
  log(`customers: ${c.received} (${c.inserted} new) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const holdingsStarted = Date.now();
  const h = await copyHoldings(
    pool,
    csvFile(HOLDING_HEADER, options.customers, (i) => demoCustomer(i, seed).holdings),
  );
  log(
    `holdings: ${h.received} (${h.inserted} new) in ${((Date.now() - holdingsStarted) / 1000).toFixed(1)} s`,
  );
  // Fresh statistics, so identification plans for the real sizes at once.
  await pool.query('ANALYZE customers; ANALYZE holdings');
  return { customers: c.received, holdings: h.received, seconds: (Date.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { customers: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } },
  });
  const customers = Number(values.customers);
  const seed = Number(values.seed);
  if (!Number.isInteger(customers) || customers < 1 || customers > 10_000_000) {
    throw new Error('--customers must be a whole number from 1 to 10000000');
  }
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  const config = loadConfig();
  await withDatabase(config, async (pool) => {
    console.log(`seeding ${customers} demo customers (seed ${seed})…`);
    const result = await seedDemoInventory(pool, { customers, seed, log: (m) => console.log(`  ${m}`) });
    console.log(
      `done: ${result.customers} customers, ${result.holdings} holdings in ${result.seconds.toFixed(1)} s`,
    );
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
