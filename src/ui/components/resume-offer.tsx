import {Select} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React from 'react';
import {stepApplies} from '../../lesson/steps.js';
import type {Lesson} from '../../lesson/schema.js';
import {fill} from '../../lesson/template.js';
import type {SavedRun} from '../app.js';
import {theme} from '../theme.js';

/** An unfinished lesson: resume where the student stopped, or start over. */
export function ResumeOffer({lesson, saved, onResume, onStartOver}: {readonly lesson: Lesson; readonly saved: SavedRun; readonly onResume: () => void; readonly onStartOver: () => void}): React.JSX.Element {
	const steps = lesson.steps.filter(step => stepApplies(step, saved.choice.kind));
	const index = Math.max(0, steps.findIndex(step => step.id === saved.stepId));
	const title = fill(steps[index]?.title ?? saved.stepId, saved.vars);
	const where = saved.choice.kind === 'hub' ? 'Docker Hub' : saved.choice.kind === 'class' ? saved.choice.host : 'the practice registry';
	return (
		<Box flexDirection="column">
			<Text>
				Last time you got to step {index + 1} of {steps.length}, <Text bold>{title}</Text>, on {where}
				{saved.vars.username ? ` as ${saved.vars.username}` : ''}.
			</Text>
			<Text color={theme.muted}>Before you go on, registry-lab checks that the steps you did still hold.</Text>
			<Select
				options={[
					{label: `Resume at step ${index + 1}: ${title}`, value: 'resume'},
					{label: 'Start over', value: 'over'},
				]}
				onChange={value => (value === 'resume' ? onResume() : onStartOver())}
			/>
		</Box>
	);
}

// Kept where it was, for the app: the rechecking itself has no React in it.
export {recheck} from '../../driver/resume.js';
