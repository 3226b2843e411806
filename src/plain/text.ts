/** Two spaces before every line but the first, so what a program said stands apart from what the lab says. */
export function indent(text: string, first = ''): string {
	return text
		.split('\n')
		.map((line, index) => (index === 0 ? `${first}${line}` : `  ${line}`))
		.join('\n');
}

/** Output of a program, as plain text: no colour codes, no carriage-return redraws. */
export function plainText(line: string): string {
	// eslint-disable-next-line no-control-regex -- escape sequences are exactly what is removed here
	const noEscapes = line.replace(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007]*(?:\u0007|\u001B\\)|\u001B[@-_]/g, '');
	// A line redrawn with \r shows its last state.
	const parts = noEscapes.split('\r').filter(part => part.length > 0);
	return parts.at(-1) ?? '';
}

/** The app's ellipsis, as plain ASCII for any terminal and screen reader. */
export function ascii(text: string): string {
	return text.replaceAll('…', '...');
}
