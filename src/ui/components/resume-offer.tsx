import {Select} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React from 'react';
import {createLabServices} from '../../checks/services.js';
import {verifyProgress} from '../../checks/verify-run.js';
import type {Engine} from '../../container/engine.js';
import {stepApplies} from '../../lesson/load.js';
import type {Lesson} from '../../lesson/schema.js';
import {fill} from '../../lesson/template.js';
import type {HubClient} from '../../registry/hub-client.js';
import type {Resume, SavedRun} from '../app.js';
import {labVars} from '../lab-vars.js';
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

/**
 * Re-run the checks of the completed steps (a login may have expired, an image may be gone)
 * and resume at the first that no longer holds, saying why; else where the student stopped.
 */
export async function recheck(lesson: Lesson, engine: Engine, saved: SavedRun, hub?: HubClient): Promise<Resume> {
	const {choice} = saved;
	const host = choice.kind === 'class' ? choice.host : 'docker.io';
	const registry = choice.kind === 'hub' ? 'docker.io' : host;
	const vars = {...labVars(choice, host, engine.name), ...saved.vars};
	const services = createLabServices({engine, registry, registryKind: choice.kind, ...(hub ? {hub} : {})});
	const report = await verifyProgress({lesson, registryKind: choice.kind, registry, vars, runCheck: check => services.runCheck(check)});
	const broken = report.steps.find(step => !step.ok && saved.completed.includes(step.id));
	if (!broken) return {stepId: saved.stepId, vars: saved.vars, completed: saved.completed};
	const order = lesson.steps.filter(step => stepApplies(step, choice.kind)).map(step => step.id);
	const completed = saved.completed.filter(id => order.indexOf(id) < order.indexOf(broken.id));
	return {
		stepId: broken.id,
		vars: saved.vars,
		completed,
		notice: `Back to “${broken.title}”: ${broken.summary.split('\n')[0]} ${broken.hint ?? ''}`.trim(),
	};
}
