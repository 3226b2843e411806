import {Box, Text, useInput} from 'ink';
import React, {useEffect, useMemo, useRef, useState} from 'react';
import type {CheckedCode} from '../../class/check-codes.js';
import type {ScanState} from '../../class/class-source.js';
import {
	ago,
	clockTime,
	columnTitles,
	columnWidths,
	countsText,
	failureText,
	fitCell,
	hubLines,
	rowCells,
	shortDigest,
	stateWords,
	strayText,
	type ClassView,
	type HubState,
	type RowCells,
	type StudentRow,
	type StudentState,
} from '../../class/class-view.js';
import {safeDeep, terminalSafe} from '../../text/terminal-safe.js';
import {listWindow} from '../list-view.js';
import {LineInput} from './line-input.js';
import {marks, theme} from '../theme.js';
import {useTerminalSize} from '../use-terminal-size.js';

/** What the dashboard reads from: the class folder's log and the registry's catalog (src/class/class-source.ts), or a test's own. */
export type DashboardFeed = {
	/** Take what the event log gained. */
	read(): Promise<unknown>;
	/** Scan the catalog again. */
	rescan(): Promise<unknown>;
	/** Everything read so far, folded at `now`. */
	view(now: number): ClassView;
	readonly scan: ScanState;
	/** A Docker Hub class: ask Docker Hub for the students that are due (the watch keeps its own pace and limits). */
	pollHub?(): Promise<unknown>;
	/** A Docker Hub class's watch as last heard. */
	readonly hub?: HubState | undefined;
};

export type DashboardTitle = {readonly name: string; readonly registry: string; readonly joinLine: string};

export type ClassDashboardProps = {
	readonly title: DashboardTitle;
	readonly feed: DashboardFeed;
	readonly onQuit: () => void;
	/** Default Date.now. */
	readonly clock?: () => number;
	/** How often the log is read (and the clock ticks): default 500 ms. */
	readonly readEveryMs?: number;
	/** How often the catalog is scanned: default 30 s. */
	readonly scanEveryMs?: number;
	/** A Docker Hub class: how often the Hub watch is polled; default 5 s. */
	readonly hubEveryMs?: number;
	/** `c`: check a pasted completion code (src/class/check-codes.ts); without it the key does nothing. */
	readonly checkCode?: (code: string) => Promise<CheckedCode>;
};

/** The `c` panel: a code being typed, being checked, or its result. */
type CodePanel = {readonly phase: 'typing'} | {readonly phase: 'checking'; readonly code: string} | {readonly phase: 'done'; readonly result: CheckedCode};

const stateRole: Readonly<Record<StudentState, keyof typeof theme | undefined>> = {
	failing: 'failure',
	stuck: 'warning',
	working: undefined,
	'not-started': 'muted',
	done: 'success',
};

const stateMark: Readonly<Record<StudentState, string>> = {
	failing: marks.fail,
	stuck: marks.warning,
	working: marks.current,
	'not-started': marks.todo,
	done: marks.pass,
};

/** Strays shown at most; the rest are counted. */
const maxStrayLines = 3;

/**
 * The live class view for the projector: a row per student (failing and stuck first), the pushes into
 * another student's namespace, and a student's timeline on Enter. Reads the log every half second and
 * the catalog every 30 s; every text from the class folder is made terminal-safe before it is drawn.
 */
export function ClassDashboard({
	title,
	feed,
	onQuit,
	clock = Date.now,
	readEveryMs = 500,
	scanEveryMs = 30_000,
	hubEveryMs = 5000,
	checkCode,
}: ClassDashboardProps): React.JSX.Element {
	const [now, setNow] = useState(clock);
	const [version, setVersion] = useState(0);
	const [selected, setSelected] = useState<string | undefined>();
	const [showing, setShowing] = useState<string | undefined>();
	const windowStart = useRef(0);
	const {columns, rows} = useTerminalSize();
	const [panel, setPanel] = useState<CodePanel | undefined>();
	const panelSee = useRef(panel);
	panelSee.current = panel;
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);
	const submitCode = (code: string): void => {
		if (!checkCode || code.trim() === '') return;
		panelSee.current = {phase: 'checking', code};
		setPanel(panelSee.current);
		void checkCode(code).then(result => {
			// The code and its lines come from outside: made safe before they are drawn.
			if (mounted.current && panelSee.current?.phase === 'checking') setPanel({phase: 'done', result: safeDeep(result)});
		});
	};

	useEffect(() => {
		let stopped = false;
		let reading = false;
		let scanning = false;
		const read = async (): Promise<void> => {
			if (reading) return;
			reading = true;
			try {
				await feed.read();
			} finally {
				reading = false;
			}
			if (!stopped) {
				setNow(clock());
				setVersion(value => value + 1);
			}
		};
		const scan = async (): Promise<void> => {
			if (scanning) return;
			scanning = true;
			try {
				await feed.rescan();
			} finally {
				scanning = false;
			}
			if (!stopped) setVersion(value => value + 1);
		};
		let polling = false;
		const pollHub = async (): Promise<void> => {
			if (polling || !feed.pollHub) return;
			polling = true;
			try {
				await feed.pollHub();
			} finally {
				polling = false;
			}
			if (!stopped) setVersion(value => value + 1);
		};
		void read();
		void scan();
		void pollHub();
		const reads = setInterval(() => void read(), readEveryMs);
		const scans = setInterval(() => void scan(), scanEveryMs);
		const polls = feed.pollHub ? setInterval(() => void pollHub(), hubEveryMs) : undefined;
		return () => {
			stopped = true;
			clearInterval(reads);
			clearInterval(scans);
			clearInterval(polls);
		};
	}, [feed, clock, readEveryMs, scanEveryMs, hubEveryMs]);

	// Names, steps, causes and references come from the class folder: made safe once per change (version: the feed read more).
	// eslint-disable-next-line react-hooks/exhaustive-deps -- version is how a read of the feed reaches this memo
	const view = useMemo(() => safeDeep(feed.view(now)), [feed, now, version]);
	const safeTitle = useMemo(() => safeDeep(title), [title]);
	const students = view.students;
	const index = Math.max(
		0,
		students.findIndex(row => row.username === selected),
	);
	const shown = showing === undefined ? undefined : students.find(row => row.username === showing);

	// Keys that arrive together (down, then enter) are handled before React draws again: each one
	// reads the selection the one before it left, not the one last drawn.
	const keysSee = useRef({selected, showing});
	keysSee.current = {selected, showing};
	useInput((input, key) => {
		const open = panelSee.current;
		if (open) {
			// While a code is typed, its keys belong to the line; esc closes the panel, and a result closes on any key but c.
			if (key.escape) setPanel(undefined);
			else if (open.phase === 'done') setPanel(input === 'c' ? {phase: 'typing'} : undefined);
			return;
		}
		if (input === 'q') {
			onQuit();
			return;
		}
		const now = keysSee.current;
		if (now.showing !== undefined) {
			if (key.escape || key.backspace || key.delete) {
				keysSee.current = {...now, showing: undefined};
				setShowing(undefined);
			}
			return;
		}
		const at = Math.max(
			0,
			students.findIndex(row => row.username === now.selected),
		);
		if (key.upArrow || key.downArrow) {
			const next = students[Math.max(0, Math.min(students.length - 1, at + (key.upArrow ? -1 : 1)))]?.username;
			keysSee.current = {...now, selected: next};
			setSelected(next);
		} else if (key.return && students[at]) {
			keysSee.current = {...now, showing: students[at].username};
			setShowing(students[at].username);
		} else if (input === 'c' && checkCode) {
			panelSee.current = {phase: 'typing'};
			setPanel({phase: 'typing'});
		}
	});

	if (panel) return <CodeCheckPanel panel={panel} onSubmit={submitCode} />;

	if (shown) return <Timeline row={shown} now={now} columns={columns} rows={rows} />;

	// The state's mark says it without colour: it is part of the cell.
	const cells = students.map(row => {
		const cell = rowCells(row, now);
		return {...cell, state: `${stateMark[row.state]} ${cell.state}`};
	});
	const widths = columnWidths(cells, Math.max(40, columns - 3));
	const strays = view.strays;
	const scanProblem = feed.scan.problem ? terminalSafe(feed.scan.problem) : undefined;
	// Docker Hub's usernames come from the roster, but are made safe like every other name.
	const hubNews = feed.hub ? hubLines(feed.hub, now).map(text => terminalSafe(text)) : [];
	const fixedLines = 5 + Math.min(strays.length, maxStrayLines + 1) + (scanProblem ? 1 : 0) + hubNews.length + 2;
	const visible = rows === undefined ? students.length : Math.max(1, rows - fixedLines);
	const window = listWindow(students.length, index, visible, windowStart.current);
	windowStart.current = window.start;

	return (
		<Box flexDirection="column">
			<Text color={theme.title} bold wrap="truncate">
				{safeTitle.name} · registry {safeTitle.registry} · students type: {safeTitle.joinLine}
			</Text>
			<Text bold>{countsText(view.counts)}</Text>
			{hubNews.map((text, position) => (
				<Text key={text} color={position === 0 && feed.hub?.limited ? theme.warning : theme.muted} wrap="truncate">
					{position === 0 && feed.hub?.limited ? `${marks.warning} ` : ''}
					{text}
				</Text>
			))}
			{strays.slice(0, maxStrayLines).map(stray => (
				<Text key={`${stray.actor} ${stray.reference} ${stray.at}`} color={theme.warning} wrap="truncate">
					{marks.warning} {strayText(stray)} into another student's namespace ({ago(stray.at, now)})
				</Text>
			))}
			{strays.length > maxStrayLines && <Text color={theme.warning}> and {strays.length - maxStrayLines} more pushes into other namespaces</Text>}
			{scanProblem && (
				<Text color={theme.muted} wrap="truncate">
					catalog not read: {scanProblem}
				</Text>
			)}
			<Text> </Text>
			<Text color={theme.muted} bold wrap="truncate">
				{'  '}
				{line(columnTitles, widths)}
			</Text>
			{window.above > 0 && (
				<Text color={theme.muted}>
					{'  '}
					{marks.up} {window.above} more
				</Text>
			)}
			{students.slice(window.start, window.end).map((row, offset) => (
				<StudentLine key={row.username} row={row} cells={cells[window.start + offset]!} widths={widths} selected={window.start + offset === index} />
			))}
			{students.length === 0 && <Text color={theme.muted}>No students in accounts.csv.</Text>}
			{window.below > 0 && (
				<Text color={theme.muted}>
					{'  '}
					{marks.down} {window.below} more
				</Text>
			)}
			<Text color={theme.muted} wrap="truncate">
				<Text color={theme.key}>↑↓</Text> select · <Text color={theme.key}>enter</Text> timeline ·{' '}
				{checkCode && (
					<>
						<Text color={theme.key}>c</Text> check a code ·{' '}
					</>
				)}
				<Text color={theme.key}>q</Text> quit
			</Text>
		</Box>
	);
}

const order = ['name', 'step', 'state', 'pushed', 'pulled', 'last'] as const;
const line = (cells: RowCells, widths: Record<keyof RowCells, number>): string => order.map(key => fitCell(cells[key], widths[key])).join(' ');

function StudentLine({
	row,
	cells,
	widths,
	selected,
}: {
	readonly row: StudentRow;
	readonly cells: RowCells;
	readonly widths: Record<keyof RowCells, number>;
	readonly selected: boolean;
}): React.JSX.Element {
	const role = stateRole[row.state];
	return (
		<Text wrap="truncate" inverse={selected}>
			<Text color={theme.accent}>{selected ? `${marks.arrow} ` : '  '}</Text>
			<Text bold>{fitCell(cells.name, widths.name)}</Text> {fitCell(cells.step, widths.step)}{' '}
			<Text {...(role ? {color: theme[role]} : {})} bold={row.state === 'failing' || row.state === 'stuck'}>
				{fitCell(cells.state, widths.state)}
			</Text>{' '}
			{fitCell(cells.pushed, widths.pushed)} {fitCell(cells.pulled, widths.pulled)} {fitCell(cells.last, widths.last)}
		</Text>
	);
}

/** One student: where they are, what they pushed and pulled, and their records, newest first. */
function Timeline({
	row,
	now,
	columns,
	rows,
}: {
	readonly row: StudentRow;
	readonly now: number;
	readonly columns: number;
	readonly rows: number | undefined;
}): React.JSX.Element {
	const role = stateRole[row.state];
	const state = row.state === 'failing' && row.failure ? `failing ${failureText(row.failure)}` : stateWords[row.state];
	const visible = rows === undefined ? row.timeline.length : Math.max(1, rows - 7);
	const entries = row.timeline.slice(0, visible);
	return (
		<Box flexDirection="column" width={columns}>
			<Text color={theme.title} bold wrap="truncate">
				{row.username} · {row.step ? `step ${row.step.number}/${row.step.of} ${row.step.title}` : 'no step yet'} ·{' '}
				<Text {...(role ? {color: theme[role]} : {})}>
					{state}
					{row.stuck && row.state !== 'stuck' ? ' (stuck)' : ''}
				</Text>
			</Text>
			<Text wrap="truncate">
				pushed:{' '}
				{row.pushed.length > 0
					? row.pushed
							.map(image => `${image.reference}${image.digest ? ` ${shortDigest(image.digest)}` : ''}${image.at ? '' : ' (time unknown)'}`)
							.join(', ')
					: '-'}
			</Text>
			<Text wrap="truncate">pulled: {row.pulled.length > 0 ? row.pulled.map(image => `${image.reference} (${image.owner}'s)`).join(', ') : '-'}</Text>
			<Text wrap="truncate">
				{row.loggedIn ? 'logged in' : 'not logged in yet'} · last heard {ago(row.lastActivity, now)}
			</Text>
			<Text> </Text>
			{entries.length === 0 && <Text color={theme.muted}>Nothing from {row.username} yet.</Text>}
			{entries.map((entry, position) => (
				<Text key={`${position} ${entry.at}`} wrap="truncate">
					<Text color={theme.muted}>{clockTime(entry.at)}</Text> {entry.text}
				</Text>
			))}
			{row.timeline.length > entries.length && (
				<Text color={theme.muted}>
					{marks.down} {row.timeline.length - entries.length} older
				</Text>
			)}
			<Text color={theme.muted}>
				<Text color={theme.key}>esc</Text> back · <Text color={theme.key}>q</Text> quit
			</Text>
		</Box>
	);
}

/** `c`: a line to paste a completion code into, then its claims, ✔ or ✘ each, as class check prints them. */
function CodeCheckPanel({panel, onSubmit}: {readonly panel: CodePanel; readonly onSubmit: (code: string) => void}): React.JSX.Element {
	if (panel.phase === 'typing') {
		return (
			<Box flexDirection="column">
				<Text color={theme.title} bold>
					Check a completion code
				</Text>
				<Text>Paste the code a student gave you (RL1-…) and press Enter:</Text>
				<LineInput selected={false} placeholder="RL1-…" indent={2} onSubmit={onSubmit} />
				<Text color={theme.muted}>
					<Text color={theme.key}>esc</Text> back to the class
				</Text>
			</Box>
		);
	}
	if (panel.phase === 'checking') {
		return (
			<Box flexDirection="column">
				<Text color={theme.title} bold>
					Check a completion code
				</Text>
				<Text wrap="truncate">Checking {terminalSafe(panel.code.trim().slice(0, 200))} with the registry and the event log…</Text>
			</Box>
		);
	}
	const {result} = panel;
	return (
		<Box flexDirection="column">
			<Text color={theme.title} bold wrap="truncate">
				{result.code}
				{result.claim ? ` — ${result.claim.username}, ${result.claim.lesson}` : ''}
			</Text>
			{result.lines.map((line, position) => (
				<Text key={`${position} ${line.text}`} color={line.ok ? theme.success : theme.failure}>
					{line.ok ? marks.pass : marks.fail} {line.text}
				</Text>
			))}
			<Text bold color={result.ok ? theme.success : theme.failure}>
				{result.ok ? 'Every claim of the code holds.' : 'The code does not hold.'}
			</Text>
			<Text color={theme.muted}>
				<Text color={theme.key}>c</Text> check another · any other key: back to the class
			</Text>
		</Box>
	);
}
