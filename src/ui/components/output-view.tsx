import {Box, Text} from 'ink';
import React from 'react';
import {layerStatuses} from '../../container/layer-status.js';
import type {OutputLine} from '../../lesson/results.js';
import {marks, theme} from '../theme.js';

export type OutputViewProps = {
	readonly lines: readonly OutputLine[];
	readonly mode: 'lines' | 'layers';
	/** How many lines of output to show at most. */
	readonly height?: number;
};

/** The engine's own output as it streams: the last lines, or one line per image layer. */
export function OutputView({lines, mode, height = 8}: OutputViewProps): React.JSX.Element | null {
	if (lines.length === 0) return null;
	const texts = lines.map(line => line.text);
	const layers = mode === 'layers' ? layerStatuses(texts) : [];
	if (layers.length > 0) {
		const done = layers.filter(layer => layer.done).length;
		const other = texts.filter(text => !/^[0-9a-f]{12}: /.test(text.trim())).slice(-3);
		return (
			<Box flexDirection="column" marginTop={1}>
				<Text color={theme.muted}>
					Layers: {done} of {layers.length} done
				</Text>
				{layers.slice(-height).map(layer => (
					<Text key={layer.id}>
						<Text color={layer.done ? theme.success : theme.accent}>{layer.done ? marks.pass : marks.arrow}</Text> {layer.id}{' '}
						<Text color={theme.muted}>{layer.status}</Text>
					</Text>
				))}
				{other.map((text, index) => (
					<Text key={`o${index}`} color={theme.muted} wrap="truncate-end">
						{text}
					</Text>
				))}
			</Box>
		);
	}
	return (
		<Box flexDirection="column" marginTop={1}>
			{lines.slice(-height).map((line, index) => (
				<Text key={index} color={line.stream === 'stderr' ? theme.warning : theme.muted} wrap="truncate-end">
					{line.text}
				</Text>
			))}
		</Box>
	);
}
