import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';

/**
 * Each chunk of input exactly as Ink split it from the terminal's bytes, before `useInput` names
 * it. A field needs the characters themselves: `useInput` reports Backspace (DEL) and the forward
 * Delete key (ESC [ 3 ~) alike as `key.delete` with no text, and a burst of repeated keys or a
 * paste as one string, which only `decodeKeys` (line-edit.ts) takes apart key by key.
 */
export function useRawInput(handler: (raw: string) => void, isActive = true): void {
	const {internal_eventEmitter: events, setRawMode} = useStdin();
	const latest = useRef(handler);
	useEffect(() => {
		latest.current = handler;
	});
	useEffect(() => {
		if (!isActive) return;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isActive, setRawMode]);
	useEffect(() => {
		if (!isActive) return;
		const listener = (raw: string): void => latest.current(raw);
		events.on('input', listener);
		return () => {
			events.removeListener('input', listener);
		};
	}, [isActive, events]);
}
