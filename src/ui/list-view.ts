/**
 * The pure part of the app's lists (the start screens' choices, the image picker): which rows a
 * window of the list shows, and what a filter leaves. No React, no terminal.
 */

/** The rows shown: from `start` to before `end`, with how many are hidden above and below. */
export type ListWindow = {readonly start: number; readonly end: number; readonly above: number; readonly below: number};

/**
 * A window of `visible` rows over `count` items that keeps the highlighted one in view. It moves
 * only when the highlight would leave it (as a list scrolls), from where it was (`from`).
 */
export function listWindow(count: number, highlighted: number, visible: number, from = 0): ListWindow {
	const size = Math.max(1, Math.floor(visible));
	if (count <= size) return {start: 0, end: count, above: 0, below: 0};
	const at = Math.max(0, Math.min(count - 1, highlighted));
	const inView = Math.min(at, Math.max(at - size + 1, from));
	const start = Math.max(0, Math.min(count - size, inView));
	const end = start + size;
	return {start, end, above: start, below: count - end};
}

/**
 * The options a filter leaves, in their order: every word of the filter appears in the label,
 * ignoring case. An empty filter leaves them all.
 */
export function filterOptions<T extends {readonly label: string}>(options: readonly T[], filter: string): T[] {
	const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return [...options];
	return options.filter(option => {
		const label = option.label.toLowerCase();
		return words.every(word => label.includes(word));
	});
}

/** The highlighted row after a move by `step` rows, held within the list (no wrapping round). */
export function moveHighlight(count: number, highlighted: number, step: number): number {
	if (count === 0) return 0;
	return Math.max(0, Math.min(count - 1, highlighted + step));
}
