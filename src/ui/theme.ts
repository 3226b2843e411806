/** Colours by role; components never name a colour themselves. */
export const theme = {
	accent: 'cyan',
	title: 'cyanBright',
	success: 'green',
	failure: 'red',
	warning: 'yellow',
	muted: 'gray',
	command: 'magentaBright',
	key: 'cyan',
} as const;

export type Role = keyof typeof theme;

/** Symbols that carry meaning without colour (screen readers, NO_COLOR). */
export const marks = {
	pass: '✔',
	fail: '✘',
	/** A check that could not be made: neither a pass nor a fail. */
	unknown: '?',
	/** News the student should act on. */
	warning: '!',
	todo: '○',
	current: '●',
	prompt: '$',
	arrow: '›',
	/** More rows of a list above or below the ones shown. */
	up: '↑',
	down: '↓',
	/** Text cut short to fit the terminal. */
	more: '…',
} as const;
