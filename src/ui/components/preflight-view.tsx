import {Box, Text} from 'ink';
import React from 'react';
import type {PreflightResult} from '../../container/preflight.js';
import {marks, theme} from '../theme.js';
import {DiagnosisLines} from './diagnosis-lines.js';

/** Why the lab cannot start yet, item by item, each with its fix. */
export function PreflightView({result, engineName}: {readonly result: PreflightResult; readonly engineName: string}): React.JSX.Element {
	return (
		<Box flexDirection="column">
			<Text bold>Before the lesson can start, {engineName} has to work on this computer.</Text>
			{result.items.map(item => (
				<Box key={item.id} flexDirection="column" marginTop={1}>
					<Text color={item.ok ? theme.success : theme.failure}>
						{item.ok ? marks.pass : marks.fail} {item.summary}
					</Text>
					{!item.ok && item.diagnosis && <DiagnosisLines diagnosis={item.diagnosis} />}
					{!item.ok && item.detail && <Text color={theme.muted}>{item.detail}</Text>}
				</Box>
			))}
			<Text color={theme.muted}>{'\n'}Fix it, then press r to check again · ctrl+c quit</Text>
		</Box>
	);
}
