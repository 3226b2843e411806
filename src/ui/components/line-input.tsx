import {Text} from 'ink';
import React, {useRef, useState} from 'react';
import {applyInput, shownLine, startLine, type LineState} from '../line-edit.js';
import {theme} from '../theme.js';
import {useRawInput} from '../use-raw-input.js';
import {useTerminalSize} from '../use-terminal-size.js';

export type LineInputProps = {
	/** A default, shown selected unless `selected` is false: typing replaces it, Enter takes it. */
	readonly initial?: string;
	readonly selected?: boolean;
	/** Drawn as `*`, one per character; the characters themselves are never drawn. */
	readonly secret?: boolean;
	/** Shown, dimmed, while the line is empty. */
	readonly placeholder?: string;
	/** Columns left of the field on its line (its prompt, the app's margins): the rest is the field's. */
	readonly indent?: number;
	readonly isActive?: boolean;
	readonly onSubmit: (value: string) => void;
};

const selectedNote = '  typing replaces it';

/**
 * One line of text, edited as in a shell (line-edit.ts has the keys): the cursor shows as an
 * inverse character, a value longer than the terminal scrolls, a paste that ends with a line
 * break submits.
 */
export function LineInput({initial, selected = true, secret = false, placeholder, indent = 4, isActive = true, onSubmit}: LineInputProps): React.JSX.Element {
	const [line, setLine] = useState<LineState>(() => startLine(secret ? '' : initial, {selected}));
	// Keys can come faster than React draws: each chunk starts from the line the last one left.
	const latest = useRef(line);
	const {columns} = useTerminalSize();
	useRawInput(raw => {
		const {state, submitted} = applyInput(latest.current, raw);
		latest.current = state;
		setLine(state);
		if (submitted !== undefined) onSubmit(submitted);
	}, isActive);

	return <LineText line={line} width={Math.max(3, columns - indent)} secret={secret} placeholder={placeholder} />;
}

export type LineTextProps = {
	readonly line: LineState;
	/** Columns the field may use. */
	readonly width: number;
	readonly secret?: boolean;
	readonly placeholder?: string;
};

/** A line as it is drawn: the part that fits, the cursor as an inverse character, a selected default in inverse. */
export function LineText({line, width, secret = false, placeholder}: LineTextProps): React.JSX.Element {
	if (line.value === '' && placeholder && !secret) {
		return (
			<Text>
				<Text inverse>{placeholder.slice(0, 1)}</Text>
				<Text color={theme.muted}>{placeholder.slice(1, width)}</Text>
			</Text>
		);
	}
	const note = line.selected && line.value.length + 1 + selectedNote.length <= width ? selectedNote : '';
	const shown = shownLine(line, width - note.length, secret);
	return (
		<Text>
			{line.selected ? <Text inverse>{shown.before}</Text> : shown.before}
			<Text inverse>{shown.at}</Text>
			{shown.after}
			{note && <Text color={theme.muted}>{note}</Text>}
		</Text>
	);
}
