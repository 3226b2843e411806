import {Box, Text} from 'ink';
import React, {useRef, useState} from 'react';
import type {PickOption} from '../../driver/port.js';
import {decodeKeys, editLine, startLine, type LineState} from '../line-edit.js';
import {filterOptions, listWindow, type ListWindow} from '../list-view.js';
import {marks, theme} from '../theme.js';
import {useRawInput} from '../use-raw-input.js';
import {useTerminalSize} from '../use-terminal-size.js';
import {movedPlace, OptionRows, type ListPlace} from './choice-list.js';
import {LineText} from './line-input.js';

export type PickListProps = {
	readonly heading: string;
	readonly note?: string;
	readonly options: readonly PickOption[];
	/** Rows of the list shown at most; a longer list scrolls, saying how many more there are. */
	readonly visible?: number;
	/** Drop the blank line above it, when the terminal has few rows. */
	readonly compact?: boolean;
	readonly onPick: (value: string) => void;
};

type Picking = {readonly filter: LineState; readonly place: ListPlace};

/** The rows a window of a list takes: its rows, and the two "more" lines when it scrolls. */
const rowsOf = (window: ListWindow): number => window.end - window.start + (window.above > 0 || window.below > 0 ? 2 : 0);

const start: Picking = {filter: startLine(''), place: {highlighted: 0, start: 0}};

/**
 * A list to pick from: the images on this computer, a classmate's repositories. Typing narrows it
 * (every word typed appears in the row), Backspace widens it again, ↑ ↓ move, Enter picks the
 * highlighted row. When nothing matches, Enter takes what was typed as a name, as plain mode does.
 */
export function PickList({heading, note, options, visible = 8, compact = false, onPick}: PickListProps): React.JSX.Element {
	const [picking, setPicking] = useState<Picking>(start);
	const latest = useRef(picking);
	const {columns} = useTerminalSize();
	useRawInput(raw => {
		let {filter, place} = latest.current;
		let picked: string | undefined;
		for (const key of decodeKeys(raw)) {
			const shown = filterOptions(options, filter.value);
			if (key.kind === 'submit') {
				picked = shown[place.highlighted]?.value ?? (filter.value.trim() || undefined);
				break;
			}
			const moved = movedPlace(place, key, shown.length, visible);
			if (moved) {
				place = moved;
				continue;
			}
			const edited = editLine(filter, key);
			if (edited.value !== filter.value) place = {highlighted: 0, start: 0};
			filter = edited;
		}
		latest.current = {filter, place};
		setPicking(latest.current);
		if (picked !== undefined) onPick(picked);
	});

	const {filter, place} = picking;
	const shown = filterOptions(options, filter.value);
	const typed = filter.value.trim();
	const count = typed ? `  ${shown.length} of ${options.length}` : '';
	return (
		<Box flexDirection="column" marginTop={compact ? 0 : 1}>
			<Text bold>{heading}:</Text>
			{note && <Text color={theme.muted}>{note}</Text>}
			<Box>
				<Text color={theme.muted}>Filter: </Text>
				<LineText line={filter} width={Math.max(3, columns - 12 - count.length)} placeholder="type to narrow the list, ↑↓ to choose" />
				{count && <Text color={theme.muted}>{count}</Text>}
			</Box>
			{/* As tall as the whole list's rows whatever the filter leaves, so the screen does not jump while typing. */}
			<Box flexDirection="column" minHeight={rowsOf(listWindow(options.length, 0, visible))}>
				{shown.length > 0 ? (
					<OptionRows options={shown} highlighted={place.highlighted} window={listWindow(shown.length, place.highlighted, visible, place.start)} />
				) : typed ? (
					<>
						<Text color={theme.warning} wrap="truncate-end">
							{marks.arrow} Nothing matches “{typed}”.
						</Text>
						<Text color={theme.muted} wrap="truncate-end">
							{'  '}backspace widens the list · enter takes {typed} as typed
						</Text>
					</>
				) : (
					<Text color={theme.warning}>{marks.arrow} There is nothing to pick.</Text>
				)}
			</Box>
		</Box>
	);
}
