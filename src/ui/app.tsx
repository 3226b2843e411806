import {Box, Text, useApp, useInput} from 'ink';
import React, {useEffect, useRef, useState} from 'react';
import type {AnswerOf, LessonView, Move, MoveRequest, Port, Question, Quit, SayTone} from '../driver/port.js';
import {startLab, type LabOptions, type LabSession} from '../driver/run-lab.js';
import type {Resume, SavedRun} from '../driver/saved-run.js';
import {safeDeep, terminalSafe} from '../text/terminal-safe.js';
import {InputField} from './components/input-field.js';
import {PreflightView} from './components/preflight-view.js';
import {RegistryPicker} from './components/registry-picker.js';
import {ResumeOffer} from './components/resume-offer.js';
import {StepView} from './components/step-view.js';
import {Working} from './components/working.js';
import {marks, theme} from './theme.js';

export type AppProps = Omit<LabOptions, 'start' | 'saved'> & {
	/** Start at this step with these variables (a test going straight to a step). */
	readonly resume?: Resume;
	/** Saved progress of an unfinished run: the app offers to resume it, after checking it still holds. */
	readonly saved?: SavedRun;
	/** Called once when the app is about to exit, with how the lesson ended. */
	readonly onExit?: (outcome: {finished: boolean}) => void;
	/** Called once with the lesson's session when it starts (render-app ends it on an exit signal). */
	readonly onSession?: (session: LabSession) => void;
};

type Said = {readonly text: string; readonly tone: SayTone};

/** `asked` counts the questions: a question asked again (a refused join code) gets a new, empty field. */
type Asking = {readonly question: Question; readonly asked: number; readonly answer: (value: AnswerOf<Question>) => void};
type Moving = {readonly request: MoveRequest; readonly answer: (move: Move | Quit) => void};
type Face = {
	readonly working?: string;
	/** What the start-up said (the engine works, the practice registry runs, which runs are unfinished). */
	readonly said: readonly Said[];
	/** What the driver said once the lesson was on screen (progress could not be saved; steps are shared with the class). */
	readonly notes: readonly Said[];
	readonly asking?: Asking;
	readonly lesson?: LessonView;
	readonly moving?: Moving;
};

/** The Ink face: draws what the driver shows, and turns keys into the student's answers and moves. */
export function App(props: AppProps): React.JSX.Element {
	const {exit} = useApp();
	const [face, setFace] = useState<Face>({said: [], notes: []});
	const session = useRef<LabSession | undefined>(undefined);
	const questionsAsked = useRef(0);

	useEffect(() => {
		// What the driver hands over (tags, registry answers, the engine's output, the lesson file) is
		// made safe before it is stored, so every component draws safe text. The lesson is shared by
		// every state: the cache walks it once.
		const cache = new WeakMap<object, unknown>();
		const safe = <T,>(value: T): T => safeDeep(value, {cache});
		const port: Port = {
			working: label => setFace(current => ({...current, working: label === undefined ? undefined : terminalSafe(label)})),
			say: (unsafeText, tone = 'note') => {
				const text = terminalSafe(unsafeText);
				setFace(current =>
					current.lesson
						? {...current, notes: [...current.notes, {text, tone}].slice(-2)}
						: {...current, said: [...current.said, {text, tone}].slice(-3)},
				);
			},
			ask: question =>
				new Promise(resolve => {
					const answer = (value: unknown): void => {
						setFace(current => ({...current, asking: undefined}));
						resolve(value as never);
					};
					questionsAsked.current += 1;
					const count = questionsAsked.current;
					setFace(current => ({...current, asking: {question: safe(question), asked: count, answer}}));
				}),
			show: view => setFace(current => ({...current, lesson: safe(view)})),
			// The lesson state carries the output; the screen draws it from there.
			output: () => undefined,
			move: request =>
				new Promise(resolve => {
					const shown = safe(request);
					const answer = (move: Move | Quit): void => {
						setFace(current => ({...current, moving: undefined}));
						resolve(original(move, request, shown));
					};
					setFace(current => ({...current, lesson: shown.view, moving: {request: shown, answer}}));
				}),
		};
		const {resume, saved, onExit, onSession, ...options} = props;
		const lab = startLab(port, {...options, ...(resume ? {start: resume} : {}), ...(saved ? {saved} : {})});
		session.current = lab;
		onSession?.(lab);
		let live = true;
		void lab.done.then(outcome => {
			if (!live) return;
			onExit?.(outcome);
			exit();
		});
		return () => {
			live = false;
			lab.leave();
		};
		// One run of the lab for the life of the app.
	}, []); // eslint-disable-line react-hooks/exhaustive-deps -- the props are read once, at the start

	useInput((input, key) => {
		if (key.ctrl && input === 'c') session.current?.interrupt();
		const asked = face.asking?.question;
		if (asked && (asked.kind === 'engine-problem' || asked.kind === 'practice-problem') && input.toLowerCase() === 'r') face.asking?.answer('retry');
	});

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text>
				<Text color={theme.accent} bold>
					registry-lab
				</Text>
				<Text color={theme.muted}> · {terminalSafe(props.lesson.title)}</Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				{face.lesson ? (
					<StepView
						view={face.lesson}
						request={face.moving?.request}
						onMove={move => face.moving?.answer(move)}
						onStop={() => session.current?.stop()}
					/>
				) : (
					<StartUp face={face} />
				)}
				{face.lesson &&
					face.notes.map(({text, tone}) => (
						<Text key={text} color={tone === 'warning' ? theme.warning : theme.muted}>
							{tone === 'done' ? marks.pass : tone === 'warning' ? marks.warning : marks.arrow} {text}
						</Text>
					))}
				{face.lesson && face.working && <Working label={face.working} />}
			</Box>
		</Box>
	);
}

/**
 * The driver gets back what it gave, not what was shown: a picked option's value, the default
 * taken with Enter, the command line accepted as shown, found by where they stand in the request.
 */
export function original(move: Move | Quit, given: MoveRequest, shown: MoveRequest): Move | Quit {
	if ('name' in move && move.name === 'answer') {
		const options = shown.input?.pick?.options ?? [];
		const index = options.findIndex(option => option.value === move.value);
		const picked = index >= 0 ? given.input?.pick?.options[index]?.value : undefined;
		if (picked !== undefined) return {name: 'answer', value: picked};
		if (move.value === shown.input?.defaultValue && given.input?.defaultValue !== undefined) return {name: 'answer', value: given.input.defaultValue};
	}
	if ('name' in move && move.name === 'typed' && shown.view.command !== null && move.line === shown.view.command && given.view.command !== null) {
		return {name: 'typed', line: given.view.command};
	}
	return move;
}

/** Before the first step: what the start-up asks, or what it is doing. */
function StartUp({face}: {readonly face: Face}): React.JSX.Element | null {
	const {asking} = face;
	const said = face.said.map(({text, tone}) => (
		<Text key={text} color={tone === 'warning' ? theme.warning : theme.muted}>
			{tone === 'done' ? marks.pass : tone === 'warning' ? marks.warning : marks.arrow} {text}
		</Text>
	));
	if (!asking)
		return (
			<Box flexDirection="column">
				{said}
				{face.working && <Working label={face.working} />}
			</Box>
		);
	const {question, answer} = asking;
	switch (question.kind) {
		case 'resume':
			return (
				<Box flexDirection="column">
					{said}
					<ResumeOffer offer={question.offer} onResume={() => answer('resume')} onStartOver={() => answer('start-over')} />
				</Box>
			);
		case 'registry':
			return (
				<Box flexDirection="column">
					{said}
					<RegistryPicker options={question.options} onChoose={answer} />
				</Box>
			);
		case 'engine-problem':
			return <PreflightView result={question.result} engineName={question.engineName} />;
		case 'join-code':
			return (
				<Box flexDirection="column">
					{said}
					<InputField
						key={asking.asked}
						label={question.label}
						secret
						help={question.help}
						{...(question.error ? {error: question.error} : {})}
						onSubmit={answer}
					/>
					<Text color={theme.muted}>enter submit · ctrl+c quit</Text>
				</Box>
			);
		case 'practice-problem':
			return (
				<Box flexDirection="column">
					{said}
					<Text color={theme.failure}>
						{marks.fail} {question.message}
					</Text>
					<Text>{question.hint}</Text>
					<Text color={theme.muted}>r try again · ctrl+c quit</Text>
				</Box>
			);
	}
}
