/**
 * The DART sandbox's in-memory data: customers with their balances, tokens and trade
 * scripts, seeded with the examples of DART's partner API page. Tests may read and
 * change it directly between calls.
 */

/** One item of `customer/trade-script-details`, shaped exactly as DART sends it. */
interface SandboxTradeScript {
  trade_script_name: string;
  initial_amount: string;
  current_amount: string;
  status: number;
  total_deposit: string;
  activate_date: string | null;
}

/** A partner's customer as DART keeps it; money is always a decimal string. */
export interface SandboxCustomer {
  first_name: string;
  last_name: string;
  dart_user_name: string;
  email: string;
  /** Stored only so tests can check updates; never sent back by the API. */
  password: string;
  /** Total USDC balance, e.g. `"980.04"`. */
  usdc_balance: string;
  /** Custom token values by token name, e.g. `{ Chaos: '19.96' }`. */
  tokens: Record<string, string>;
  trade_scripts: SandboxTradeScript[];
  /** Trade-script access; `disabledUntil` is set while it is restricted for some hours. */
  tsp: { enabled: boolean; disabledUntil?: Date };
  /** Activation happens in DART itself, so customers created through the API start inactive. Informational only. */
  active: boolean;
}

/** Everything the sandbox knows; `customers` is keyed by DART user name. */
export interface DartSandboxState {
  customers: Map<string, SandboxCustomer>;
}

/** The fields `customer/create` accepts. */
export interface NewSandboxCustomer {
  first_name: string;
  last_name: string;
  user_name: string;
  email: string;
  password: string;
}

/** A state with no customers at all. */
export function createEmptyState(): DartSandboxState {
  return { customers: new Map() };
}

/**
 * The page's example customer `billyjoel` (balance 980.04, token Chaos 19.96, one trade
 * script), plus `adaline` (12500.00, no trade scripts, no tokens) and `grace` (0.00, one
 * trade script not yet activated). Returns fresh objects on every call.
 */
export function createSeedState(): DartSandboxState {
  const customers: SandboxCustomer[] = [
    {
      first_name: 'Billy',
      last_name: 'Joel',
      dart_user_name: 'billyjoel',
      email: 'billy@gmail.com',
      password: 'billy@123#',
      usdc_balance: '980.04',
      tokens: { Chaos: '19.96' },
      trade_scripts: [
        {
          trade_script_name: 'Full Velocity Members Only',
          initial_amount: '49.25',
          current_amount: '49.2500',
          status: 5,
          total_deposit: '50.0000',
          activate_date: '2022-06-08',
        },
      ],
      tsp: { enabled: true },
      active: true,
    },
    {
      first_name: 'Ada',
      last_name: 'Lovelace',
      dart_user_name: 'adaline',
      email: 'ada@example.com',
      password: 'analytical-engine',
      usdc_balance: '12500.00',
      tokens: {},
      trade_scripts: [],
      tsp: { enabled: true },
      active: true,
    },
    {
      first_name: 'Grace',
      last_name: 'Hopper',
      dart_user_name: 'grace',
      email: 'grace@example.com',
      password: 'cobol-1959',
      usdc_balance: '0.00',
      tokens: { Chaos: '0.00' },
      trade_scripts: [
        {
          trade_script_name: 'Steady Growth',
          initial_amount: '0.00',
          current_amount: '0.0000',
          status: 1,
          total_deposit: '0.0000',
          activate_date: null,
        },
      ],
      tsp: { enabled: true },
      active: true,
    },
  ];
  return { customers: new Map(customers.map((customer) => [customer.dart_user_name, customer])) };
}

/** Adds a customer as `customer/create` does: no money, no tokens, no trade scripts, not yet active. */
export function addCustomer(state: DartSandboxState, fields: NewSandboxCustomer): SandboxCustomer {
  const customer: SandboxCustomer = {
    first_name: fields.first_name,
    last_name: fields.last_name,
    dart_user_name: fields.user_name,
    email: fields.email,
    password: fields.password,
    usdc_balance: '0.00',
    tokens: {},
    trade_scripts: [],
    tsp: { enabled: true },
    active: false,
  };
  state.customers.set(customer.dart_user_name, customer);
  return customer;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Adds two decimal strings exactly (`'980.04' + '20.5'` → `'1000.54'`), on bigints scaled
 * to the larger number of decimals, so money never passes through a float.
 */
export function addDecimals(a: string, b: string): string {
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  const sum = toScaled(a, scale) + toScaled(b, scale);
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${sum < 0n ? '-' : ''}${whole}${fraction}`;
}

function decimalsOf(value: string): number {
  return parseDecimal(value).fraction.length;
}

function toScaled(value: string, scale: number): bigint {
  const { negative, whole, fraction } = parseDecimal(value);
  const scaled = BigInt(whole + fraction.padEnd(scale, '0'));
  return negative ? -scaled : scaled;
}

function parseDecimal(value: string): { negative: boolean; whole: string; fraction: string } {
  const match = DECIMAL.exec(value);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return { negative: match[1] === '-', whole: match[2] ?? '0', fraction: match[3] ?? '' };
}
