import {Box, Text} from 'ink';
import React, {useRef, useState} from 'react';
import {decodeKeys, type LineKey} from '../line-edit.js';
import {listWindow, moveHighlight, type ListWindow} from '../list-view.js';
import {marks, theme} from '../theme.js';
import {useRawInput} from '../use-raw-input.js';

export type Choice = {readonly label: string; readonly value: string};

/** Where the highlight is, and where the window over the list starts. */
export type ListPlace = {readonly highlighted: number; readonly start: number};

/** The place after a key that moves in a list (↑ ↓, page up and down, home, end); undefined for any other key. */
export function movedPlace(place: ListPlace, key: LineKey, count: number, visible: number): ListPlace | undefined {
	const steps: Partial<Record<LineKey['kind'], number>> = {up: -1, down: 1, 'page-up': -visible, 'page-down': visible, home: -count, end: count};
	const step = steps[key.kind];
	if (step === undefined) return undefined;
	const highlighted = moveHighlight(count, place.highlighted, step);
	return {highlighted, start: listWindow(count, highlighted, visible, place.start).start};
}

/**
 * The rows of a list that fit, the highlighted one marked (by a mark as well as colour), and how
 * many more there are above and below. A long label is cut to one line.
 */
export function OptionRows({options, highlighted, window}: {readonly options: readonly Choice[]; readonly highlighted: number; readonly window: ListWindow}) {
	const scrolls = window.above > 0 || window.below > 0;
	return (
		<Box flexDirection="column">
			{scrolls && <Text color={theme.muted}>{window.above > 0 ? `  ${marks.up} ${window.above} more` : ' '}</Text>}
			{options.slice(window.start, window.end).map((option, offset) => {
				const on = window.start + offset === highlighted;
				return (
					<Text key={`${window.start + offset}`} color={on ? theme.accent : undefined} bold={on} wrap="truncate-end">
						{on ? marks.arrow : ' '} {option.label}
					</Text>
				);
			})}
			{scrolls && <Text color={theme.muted}>{window.below > 0 ? `  ${marks.down} ${window.below} more` : ' '}</Text>}
		</Box>
	);
}

export type ChoiceListProps = {
	readonly options: readonly Choice[];
	/** Rows shown at most; a longer list scrolls. */
	readonly visible?: number;
	readonly isActive?: boolean;
	readonly onChoose: (value: string) => void;
};

/** A short list to choose from with ↑ ↓ and Enter: the start screens' questions. */
export function ChoiceList({options, visible = 8, isActive = true, onChoose}: ChoiceListProps): React.JSX.Element {
	const [place, setPlace] = useState<ListPlace>({highlighted: 0, start: 0});
	const latest = useRef(place);
	useRawInput(raw => {
		let next = latest.current;
		let chosen: Choice | undefined;
		for (const key of decodeKeys(raw)) {
			if (key.kind === 'submit') {
				chosen = options[next.highlighted];
				break;
			}
			next = movedPlace(next, key, options.length, visible) ?? next;
		}
		latest.current = next;
		setPlace(next);
		if (chosen) onChoose(chosen.value);
	}, isActive);
	return <OptionRows options={options} highlighted={place.highlighted} window={listWindow(options.length, place.highlighted, visible, place.start)} />;
}
