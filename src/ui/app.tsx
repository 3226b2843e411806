import {Box, Text, useApp, useInput} from 'ink';
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {createLabServices, type LabServices} from '../driver/services.js';
import {practiceVars} from '../class/seed-classmate.js';
import type {Engine} from '../container/engine.js';
import {preflight, type PreflightResult} from '../container/preflight.js';
import {startRun, type RunState} from '../lesson-run/lesson-run.js';
import type {Lesson} from '../lesson/schema.js';
import type {HubClient} from '../registry/hub-client.js';
import type {PracticeRegistry, StartOptions, StartResult} from '../registry/practice-registry.js';
import {PreflightView} from './components/preflight-view.js';
import {recheck, ResumeOffer} from './components/resume-offer.js';
import {RegistryPicker} from './components/registry-picker.js';
import {StepView} from './components/step-view.js';
import {Working} from './components/working.js';
import {labVars, type RegistryChoice} from '../driver/lab-vars.js';
import {marks, theme} from './theme.js';
import {useLessonRun} from './use-lesson-run.js';

// bcryptjs and the registry runner load only when a practice registry is started.
const startPracticeRegistry = async (options: StartOptions): Promise<StartResult> => (await import('../registry/practice-registry.js')).startPracticeRegistry(options);

export type AppProps = {
	readonly lesson: Lesson;
	readonly engine: Engine;
	/** Chosen by a flag; the start screen asks when absent. */
	readonly choice?: RegistryChoice;
	readonly hub?: HubClient;
	readonly startPractice?: typeof startPracticeRegistry;
	readonly openUrl?: (url: string) => Promise<boolean>;
	/** Start at this step with these variables (a test going straight to a step). */
	readonly resume?: Resume;
	/** Saved progress of an unfinished run: the app offers to resume it, after checking it still holds. */
	readonly saved?: SavedRun;
	/** Called when the lesson state changes step or completes one (progress saving). */
	readonly onProgress?: (state: RunState) => void;
	/** Called once when the app is about to exit, with how the lesson ended. */
	readonly onExit?: (outcome: {finished: boolean}) => void;
};

export type Resume = {readonly stepId: string; readonly vars: Record<string, string>; readonly completed?: readonly string[]; readonly notice?: string};
export type SavedRun = {readonly choice: RegistryChoice; readonly stepId: string; readonly completed: readonly string[]; readonly vars: Record<string, string>};

type Screen =
	| {readonly name: 'resume'; readonly saved: SavedRun}
	| {readonly name: 'rechecking'; readonly saved: SavedRun}
	| {readonly name: 'choose'}
	| {readonly name: 'preflight'; readonly choice: RegistryChoice; readonly result?: PreflightResult; readonly saved?: SavedRun}
	| {readonly name: 'practice'; readonly choice: RegistryChoice; readonly error?: {message: string; hint: string}}
	| {readonly name: 'lesson'; readonly choice: RegistryChoice; readonly host: string; readonly extra: Record<string, string>; readonly resume?: Resume};

export function App(props: AppProps): React.JSX.Element {
	const {engine, choice} = props;
	const {exit} = useApp();
	const [screen, setScreen] = useState<Screen>(props.saved ? {name: 'resume', saved: props.saved} : choice ? {name: 'preflight', choice} : {name: 'choose'});
	const practice = useRef<PracticeRegistry | undefined>(undefined);
	// Aborts whatever is still starting (the practice registry, its classmate image) when the student leaves.
	const starting = useRef(new AbortController());
	const [busy, setBusy] = useState(false);

	const quit = useCallback(
		(finished: boolean) => {
			starting.current.abort();
			const running = practice.current;
			practice.current = undefined;
			void (running ? running.stop() : Promise.resolve()).finally(() => {
				props.onExit?.({finished});
				exit();
			});
		},
		[exit, props],
	);

	// Stop the practice registry if the app goes away some other way.
	useEffect(
		() => () => {
			starting.current.abort();
			void practice.current?.stop();
		},
		[],
	);

	useEffect(() => {
		if (screen.name !== 'preflight' || screen.result) return;
		let live = true;
		void preflight(engine).then(result => {
			if (!live) return;
			if (!result.ok) setScreen({...screen, result});
			else if (screen.saved) setScreen({name: 'rechecking', saved: screen.saved});
			else if (screen.choice.kind === 'practice') setScreen({name: 'practice', choice: screen.choice});
			else setScreen({name: 'lesson', choice: screen.choice, host: screen.choice.kind === 'class' ? screen.choice.host : 'docker.io', extra: {}});
		});
		return () => {
			live = false;
		};
	}, [screen, engine]);

	useEffect(() => {
		if (screen.name !== 'practice' || screen.error) return;
		let live = true;
		void (async () => {
			const {signal} = starting.current;
			const started = await (props.startPractice ?? startPracticeRegistry)({engine, signal, accounts: [{username: 'student'}, {username: 'classmate'}]});
			if (!started.ok) {
				if (live) setScreen({...screen, error: {message: started.message, hint: started.hint}});
				return;
			}
			if (!live) {
				void started.stop();
				return;
			}
			practice.current = started;
			const extra = await practiceVars(engine, started, signal);
			if (!live) return;
			setScreen({name: 'lesson', choice: screen.choice, host: started.host, extra});
		})();
		return () => {
			live = false;
		};
	}, [screen, engine, props.startPractice]);

	useEffect(() => {
		if (screen.name !== 'rechecking') return;
		let live = true;
		void recheck(props.lesson, engine, screen.saved, props.hub).then(resume => {
			if (!live) return;
			const {choice: saved} = screen.saved;
			setScreen({name: 'lesson', choice: saved, host: saved.kind === 'class' ? saved.host : 'docker.io', extra: {}, resume});
		});
		return () => {
			live = false;
		};
	}, [screen, engine, props.lesson, props.hub]);

	useInput((input, key) => {
		if (key.ctrl && input === 'c' && !busy) quit(false);
		if (screen.name === 'preflight' && screen.result && input.toLowerCase() === 'r') setScreen({name: 'preflight', choice: screen.choice});
		if (screen.name === 'practice' && screen.error && input.toLowerCase() === 'r') setScreen({name: 'practice', choice: screen.choice});
	});

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text>
				<Text color={theme.accent} bold>
					registry-lab
				</Text>
				<Text color={theme.muted}> · {props.lesson.title}</Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				{screen.name === 'resume' && (
					<ResumeOffer
						lesson={props.lesson}
						saved={screen.saved}
						onResume={() => setScreen({name: 'preflight', choice: screen.saved.choice, saved: screen.saved})}
						onStartOver={() => setScreen(choice ? {name: 'preflight', choice} : {name: 'choose'})}
					/>
				)}
				{screen.name === 'rechecking' && <Working label="Checking that what you did last time still holds…" />}
				{screen.name === 'choose' && <RegistryPicker onChoose={next => setScreen({name: 'preflight', choice: next})} />}
				{screen.name === 'preflight' && (screen.result ? <PreflightView result={screen.result} engine={engine} /> : <Working label={`Checking ${engine.name} on this computer…`} />)}
				{screen.name === 'practice' &&
					(screen.error ? (
						<Box flexDirection="column">
							<Text color={theme.failure}>
								{marks.fail} {screen.error.message}
							</Text>
							<Text>{screen.error.hint}</Text>
							<Text color={theme.muted}>r try again · ctrl+c quit</Text>
						</Box>
					) : (
						<Working label="Starting a practice registry on this computer…" />
					))}
				{screen.name === 'lesson' && <Lesson {...props} screen={screen} onBusy={setBusy} onQuit={quit} />}
			</Box>
		</Box>
	);
}

type LessonProps = AppProps & {
	readonly screen: Extract<Screen, {name: 'lesson'}>;
	readonly onBusy: (busy: boolean) => void;
	readonly onQuit: (finished: boolean) => void;
};

function Lesson({lesson, engine, hub, screen, openUrl, onProgress, onBusy, onQuit, ...props}: LessonProps): React.JSX.Element {
	const resume = screen.resume ?? props.resume;
	const services: LabServices = useMemo(
		() => createLabServices({engine, registry: screen.choice.kind === 'hub' ? 'docker.io' : screen.host, registryKind: screen.choice.kind, ...(hub ? {hub} : {})}),
		[engine, hub, screen],
	);
	const [state, actions] = useLessonRun(
		services,
		() => {
			const vars = {...labVars(screen.choice, screen.host, engine.name), ...screen.extra, ...resume?.vars};
			const run = startRun(lesson, screen.choice.kind, vars, resume ? {stepId: resume.stepId, completed: resume.completed ?? [], ...(resume.notice ? {notice: resume.notice} : {})} : {});
			// The generated practice password is shown once, but never saved.
			return {...run, secretNames: [...run.secretNames, 'practicePassword']};
		},
		onProgress,
	);
	const [linkNote, setLinkNote] = useState<string | undefined>();
	const running = state.phase.name === 'running';

	useEffect(() => onBusy(running), [running, onBusy]);
	useEffect(() => setLinkNote(undefined), [state.index]);
	useEffect(() => {
		if (state.phase.name === 'finished') onQuit(true);
	}, [state.phase.name, onQuit]);

	useInput((input, key) => {
		if (key.ctrl && input === 'c' && running) actions.cancel();
	});

	const open = (url: string): void => {
		setLinkNote('Opening your browser…');
		void (openUrl ?? openInBrowser)(url).then(opened => setLinkNote(opened ? 'Opened in your browser.' : 'No browser could be opened here: copy the address into a browser yourself.'));
	};

	return <StepView state={state} actions={actions} services={services} onOpenLink={open} linkNote={linkNote} />;
}

async function openInBrowser(url: string): Promise<boolean> {
	try {
		const {default: open} = await import('open');
		const child = await open(url, {wait: false});
		return await new Promise(resolve => {
			child.once('error', () => resolve(false));
			child.once('spawn', () => resolve(true));
			setTimeout(() => resolve(child.pid !== undefined), 500);
		});
	} catch {
		return false;
	}
}
