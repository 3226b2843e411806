import {Select} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React from 'react';
import type {PickOption} from '../../driver/port.js';
import {theme} from '../theme.js';

export type PickListProps = {
	readonly heading: string;
	readonly note?: string;
	readonly options: readonly PickOption[];
	readonly onPick: (value: string) => void;
};

/** A list to pick from: the images on this computer, a classmate's repositories. */
export function PickList({heading, note, options, onPick}: PickListProps): React.JSX.Element {
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold>{heading}:</Text>
			{note && <Text color={theme.muted}>{note}</Text>}
			<Select options={options.map(option => ({label: option.label, value: option.value}))} visibleOptionCount={8} onChange={onPick} />
		</Box>
	);
}
