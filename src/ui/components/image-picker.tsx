import {Select} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React, {useEffect, useState} from 'react';
import type {LabServices} from '../../driver/services.js';
import {starterImageName, type LocalImage} from '../../container/images.js';
import {marks, theme} from '../theme.js';
import {Working} from './working.js';

const makeStarter = '\u0000starter';

type State =
	| {readonly name: 'loading'}
	| {readonly name: 'choose'; readonly images: readonly LocalImage[]}
	| {readonly name: 'making'}
	| {readonly name: 'error'; readonly message: string};

/** `docker images`, as a list to pick from, with a starter image on offer. */
export function ImagePicker({services, label, onSubmit}: {readonly services: LabServices; readonly label: string; readonly onSubmit: (reference: string) => void}): React.JSX.Element {
	const [state, setState] = useState<State>({name: 'loading'});

	useEffect(() => {
		let live = true;
		void services.listImages(services.engine).then(answer => {
			if (!live) return;
			setState(answer.ok ? {name: 'choose', images: answer.value} : {name: 'error', message: answer.output || 'docker images failed'});
		});
		return () => {
			live = false;
		};
	}, [services]);

	const choose = (value: string): void => {
		if (value !== makeStarter) {
			onSubmit(value);
			return;
		}
		setState({name: 'making'});
		void services.makeStarterImage(services.engine).then(answer => {
			if (answer.ok) onSubmit(answer.value);
			else setState({name: 'error', message: answer.output});
		});
	};

	switch (state.name) {
		case 'loading':
			return <Working label={`Running ${services.engine.name} images…`} />;
		case 'making':
			return <Working label={`Making ${starterImageName} (one small text file, no download)…`} />;
		case 'error':
			return (
				<Text color={theme.failure}>
					{marks.fail} Could not list images: {state.message}
				</Text>
			);
		case 'choose': {
			// The starter comes first: it is tiny, so the first push is quick on any network.
			const options = [
				{label: `Make a small starter image (${starterImageName}, a few bytes)`, value: makeStarter},
				...state.images.map(image => ({label: `${image.reference}  ${image.id}  ${image.size}`, value: image.reference})),
			];
			return (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>{label}:</Text>
					{state.images.length === 0 && (
						<Text color={theme.muted}>
							You have no images yet. A starter image is a tiny image made on this computer, so you have something of your own to push.
						</Text>
					)}
					<Select options={options} visibleOptionCount={8} onChange={choose} />
				</Box>
			);
		}
	}
}
