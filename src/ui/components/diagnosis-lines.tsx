import {Box, Text} from 'ink';
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
			<WhatToDo hint={diagnosis.hint} />
		</>
	);
}

/**
 * The hint: after the words when it is one line; under them, indented, one line each, when it has
 * several (steps, and settings to copy as they are, which must not run into the sentence before).
 */
export function WhatToDo({hint}: {readonly hint: string}): React.JSX.Element {
	const lines = hint.split('\n');
	if (lines.length === 1) {
		return (
			<Text>
				<Text bold>What to do: </Text>
				{hint}
			</Text>
		);
	}
	return (
		<>
			<Text bold>What to do:</Text>
			<Box flexDirection="column" paddingLeft={2}>
				{lines.map((line, index) => (
					<Text key={index}>{line || ' '}</Text>
				))}
			</Box>
		</>
	);
}
