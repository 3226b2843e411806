/**
 * A diagnosis's hint as the lines a face prints after "What to do:". A hint of one line follows
 * the words; a hint of several lines (steps, and settings to copy as they are) goes under them,
 * indented, one line each, so a line of JSON or TOML stays whole and on its own.
 */
export function whatToDoLines(hint: string): string[] {
	const lines = hint.split('\n');
	return lines.length === 1 ? [`What to do: ${hint}`] : ['What to do:', ...lines.map(line => `  ${line}`)];
}

/** A hint on one line, for a report that gives each step one line: its lines joined by spaces. */
export function oneLineHint(hint: string): string {
	return hint
		.split('\n')
		.map(line => line.trim())
		.filter(Boolean)
		.join(' ');
}
