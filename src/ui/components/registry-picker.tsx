import {Box, Text, useInput} from 'ink';
import React, {useState} from 'react';
import {registryOptions, type RegistryChoice} from '../../driver/lab-vars.js';
import {hostProblem} from '../../registry/address.js';
import {marks, theme} from '../theme.js';
import {ChoiceList} from './choice-list.js';
import {choosingHints, KeyHints, type KeyHint} from './key-hints.js';
import {LineInput} from './line-input.js';

export type RegistryPickerProps = {
	readonly options?: typeof registryOptions;
	readonly onChoose: (choice: RegistryChoice) => void;
};

const addressHints: readonly KeyHint[] = [
	['enter', 'use this address'],
	['esc', 'back to the list'],
	['ctrl+c', 'quit'],
];

/** Where the student pushes: Docker Hub, the class registry (its address typed and checked), or a practice registry. */
export function RegistryPicker({options = registryOptions, onChoose}: RegistryPickerProps): React.JSX.Element {
	const [askHost, setAskHost] = useState(false);
	const [error, setError] = useState<string | undefined>();
	useInput(
		(_, key) => {
			if (!key.escape) return;
			setAskHost(false);
			setError(undefined);
		},
		{isActive: askHost},
	);
	if (askHost) {
		return (
			<Box flexDirection="column">
				<Text bold>Address of the class registry (from your instructor), like registry.school.example:5000</Text>
				<Box>
					<Text>Registry: </Text>
					<LineInput
						key={error ?? ''}
						indent={12}
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
				<KeyHints hints={addressHints} />
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text bold>Where will you push your image?</Text>
			<ChoiceList
				options={options.map(option => ({label: `${option.title} — ${option.detail}`, value: option.value}))}
				onChoose={value => {
					if (value === 'class') setAskHost(true);
					else onChoose(value === 'hub' ? {kind: 'hub'} : {kind: 'practice'});
				}}
			/>
			<KeyHints hints={choosingHints} />
		</Box>
	);
}
