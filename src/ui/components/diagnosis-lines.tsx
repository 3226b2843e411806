import {Text} from 'ink';
import React from 'react';
import type {Diagnosis} from '../../lesson/results.js';

/** What a failure means and what to do next, the same wherever a failure is shown. */
export function DiagnosisLines({diagnosis}: {readonly diagnosis: Diagnosis}): React.JSX.Element {
	return (
		<>
			<Text>
				<Text bold>What it means: </Text>
				{diagnosis.title}
			</Text>
			<Text>
				<Text bold>What to do: </Text>
				{diagnosis.hint}
			</Text>
		</>
	);
}
