// The choices of settings.json that the UI offers, in a file with no imports so the IPC contract
// wraps them (the host-key policies and default conflict policies live with trust and transfers).

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
