import {Select, TextInput} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React, {useState} from 'react';
import type {RegistryChoice} from '../../driver/lab-vars.js';
import {hostProblem} from '../../registry/address.js';
import {marks, theme} from '../theme.js';

/** Where the student pushes: Docker Hub, the class registry, or a practice registry on this computer. */
export function RegistryPicker({onChoose}: {readonly onChoose: (choice: RegistryChoice) => void}): React.JSX.Element {
	const [askHost, setAskHost] = useState(false);
	const [error, setError] = useState<string | undefined>();
	if (askHost) {
		return (
			<Box flexDirection="column">
				<Text bold>Address of the class registry (from your instructor), like registry.school.example:5000</Text>
				<Box>
					<Text>Registry: </Text>
					<TextInput
						key={error ?? ''}
						onSubmit={value => {
							const problem = hostProblem(value.trim());
							if (problem) setError(problem);
							else onChoose({kind: 'class', host: value.trim()});
						}}
					/>
				</Box>
				{error && (
					<Text color={theme.failure}>
						{marks.fail} {error}
					</Text>
				)}
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text bold>Where will you push your image?</Text>
			<Select
				options={[
					{label: 'Docker Hub — with your own free Docker account', value: 'hub'},
					{label: 'A class registry — your instructor gave you its address and an account', value: 'class'},
					{label: 'A practice registry on this computer — no account needed', value: 'practice'},
				]}
				onChange={value => {
					if (value === 'class') setAskHost(true);
					else onChoose(value === 'hub' ? {kind: 'hub'} : {kind: 'practice'});
				}}
			/>
		</Box>
	);
}
