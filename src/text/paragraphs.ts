/**
 * Lesson text is wrapped for the YAML's sake: each paragraph becomes one line (plain mode leaves
 * the wrapping to the terminal or the screen reader, the app wraps it to its width); indented lines
 * (a code block, an account's details) stay as they are.
 */
export function paragraphs(text: string): string {
	return text
		.trimEnd()
		.split(/\n{2,}/)
		.map(paragraph => {
			const parts = paragraph.split('\n');
			if (parts.every(line => /^\s/.test(line))) return paragraph;
			return parts.map(line => line.trim()).join(' ');
		})
		.join('\n\n');
}
