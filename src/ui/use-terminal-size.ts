import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export type TerminalSize = {
	readonly columns: number;
	/** Undefined when the output is not a terminal: nothing needs to fit a height then. */
	readonly rows: number | undefined;
};

const measure = (stdout: NodeJS.WriteStream): TerminalSize => ({columns: stdout.columns || 80, rows: stdout.rows || undefined});

/**
 * The terminal's size, and a redraw when it changes: Ink lays its boxes out again on a resize,
 * but text a component wrapped itself (lesson text, a field's visible part) is made again only
 * when the component draws again.
 */
export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => measure(stdout));
	useEffect(() => {
		const resized = (): void =>
			setSize(current => {
				const next = measure(stdout);
				return next.columns === current.columns && next.rows === current.rows ? current : next;
			});
		stdout.on('resize', resized);
		// A resize between the first draw and this effect.
		resized();
		return () => {
			stdout.off('resize', resized);
		};
	}, [stdout]);
	return size;
}
