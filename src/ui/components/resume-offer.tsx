import {Box, Text} from 'ink';
import React from 'react';
import type {ResumeOfferView} from '../../driver/port.js';
import {theme} from '../theme.js';
import {ChoiceList} from './choice-list.js';
import {choosingHints, KeyHints} from './key-hints.js';

export type ResumeOfferProps = {readonly offer: ResumeOfferView; readonly onResume: () => void; readonly onStartOver: () => void};

/** An unfinished lesson: resume where the student stopped, or start over. */
export function ResumeOffer({offer, onResume, onStartOver}: ResumeOfferProps): React.JSX.Element {
	return (
		<Box flexDirection="column">
			<Text>
				Last time you got to step {offer.step} of {offer.steps}, <Text bold>{offer.title}</Text>, on {offer.where}
				{offer.username ? ` as ${offer.username}` : ''}.
			</Text>
			<Text color={theme.muted}>Before you go on, registry-lab checks that the steps you did still hold.</Text>
			<ChoiceList
				options={[
					{label: `Resume at step ${offer.step}: ${offer.title}`, value: 'resume'},
					{label: 'Start over', value: 'over'},
				]}
				onChoose={value => (value === 'resume' ? onResume() : onStartOver())}
			/>
			<KeyHints hints={choosingHints} />
		</Box>
	);
}
