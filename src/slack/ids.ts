/**
 * Every id the app hands Slack to be sent back: button action ids, form callback ids, the
 * shortcut's callback id. They are a wire contract: messages already sitting in channels
 * carry their buttons' action ids, open forms their callback id, and `manifest.yml` names
 * the shortcut. Never rename one; add a new one instead.
 */

/** The customer card's buttons (and the alerts' buttons that open the card); each value is the DART user name. */
export const CARD_ACTIONS = {
  show: 'customer.card',
  balance: 'customer.balance',
  scripts: 'customer.scripts',
  transfer: 'customer.transfer',
  edit: 'customer.edit',
  suspend: 'customer.suspend',
  resume: 'customer.resume',
} as const;

/** The transfer confirmation's buttons; each value is the transfer id. */
export const TRANSFER_ACTIONS = {
  confirm: 'transfer.confirm',
  approve: 'transfer.approve',
  cancel: 'transfer.cancel',
} as const;

/** The history's Older button; its value says whose history and where the next page starts. */
export const HISTORY_ACTIONS = { older: 'history.older' } as const;

/** The forms' callback ids. */
export const VIEWS = {
  customerCreate: 'customer.create',
  customerEdit: 'customer.edit',
  suspend: 'tsp.suspend',
  transfer: 'transfer.request',
} as const;

/** Global shortcuts' callback ids, as `manifest.yml` declares them. */
export const SHORTCUTS = { customerCreate: 'customer.create.shortcut' } as const;

/** A Slack conversation id (public or private channel, direct message), as Slack writes them. */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
