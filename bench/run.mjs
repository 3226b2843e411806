#!/usr/bin/env node
// npm run bench: how heavy registry-lab is for a class that runs `npx registry-lab` at once.
// Figures, not tests: it prints a table with the budgets of docs/ARCHITECTURE.md beside each figure (PASS/MISS).
//   node bench/run.mjs [--runs N] [--only size,explain,diagnose,class,first-frame,app] [--no-build] [--no-push] [--node-options '...']
//                      [--node-args '...'] [--verbose]
// Needs: tmux, /usr/bin/time, docker with a running daemon, a registry program for --practice.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const cli = path.join(root, 'dist', 'cli.js');
const benchImage = 'registry-lab-bench:200mb';
// --node-options '...': NODE_OPTIONS for the interactive app (to try V8 heap settings).
const appNodeOptions = args.includes('--node-options') ? args[args.indexOf('--node-options') + 1] : undefined;
// --node-args '...': node flags NODE_OPTIONS refuses (--cpu-prof, --heap-prof), for the interactive app, to see where it spends.
const appNodeArgs = args.includes('--node-args') ? args[args.indexOf('--node-args') + 1].split(' ').filter(Boolean) : [];
const node = process.execPath;
// --only a,b: just those sections (size, explain, diagnose, class, first-frame, app), to repeat one figure quickly; every section without it.
const sections = ['size', 'explain', 'diagnose', 'class', 'first-frame', 'app'];
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',').filter(Boolean) : sections;
for (const section of only) if (!sections.includes(section)) throw new Error(`--only: no section '${section}' (there are: ${sections.join(', ')})`);
const want = section => only.includes(section);
const log = text => process.stderr.write(`bench: ${text}\n`);
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
const row = (what, figure, target, pass, note = '') => rows.push({what, figure, target, verdict: pass === undefined ? '—' : pass ? 'PASS' : 'MISS', note});
const kb = bytes => `${(bytes / 1000).toFixed(1)} kB`; // kB as npm counts them
const ms = value => `${value.toFixed(1)} ms`;

if (!args.includes('--no-build')) {
	log('npm run build');
	execFileSync('npm', ['run', 'build', '--silent'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']});
}

// 1. Size: what 30 students download.
if (want('size')) {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
	const [info] = JSON.parse(out);
	row('packed tarball', kb(info.size), '≤ 350 kB', info.size <= 350 * 1000, `${info.entryCount} files`);
	row('unpacked size', kb(info.unpackedSize), '', undefined, 'no runtime dependencies');
}

// 2. explain --json against bare node, interleaved so both see the same machine state.
if (want('explain')) {
	const time = argv => {
		const start = performance.now();
		const result = spawnSync(node, argv, {stdio: ['ignore', 'pipe', 'pipe']});
		if (result.status !== 0) throw new Error(`node ${argv.join(' ')} failed: ${String(result.stderr)}`);
		return performance.now() - start;
	};
	time(['-e', '']);
	time([cli, 'explain', 'alpine', '--json']);
	const bare = [];
	const explain = [];
	for (let i = 0; i < runs; i++) {
		bare.push(time(['-e', '']));
		explain.push(time([cli, 'explain', 'alpine', '--json']));
	}
	const ratio = median(explain) / median(bare);
	row(
		'explain alpine --json',
		`${ms(median(explain))} = ${ratio.toFixed(2)}x node`,
		'≤ 2x node',
		ratio <= 2,
		`node -e "": ${ms(median(bare))}; median of ${runs}`,
	);
}

// 3. diagnose over hostile engine output (a registry's error text is not ours): the slowest of them all.
if (want('diagnose')) {
	log('diagnose over hostile inputs up to 1 MB (bench/diagnose.ts through tsx)');
	const out = execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bench', 'diagnose.ts'), '3'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const {inputs, worst} = JSON.parse(out);
	row('diagnose, worst hostile input', ms(worst.ms), 'diagnose of any input up to 1 MB < 1 s', worst.ms < 1000, `${inputs} inputs; worst: ${worst.name}`);
}

// 4. A class replayed against the listener (bench/class.mjs): 300 students, 10,000 registry events, 10,000 reports.
if (want('class')) {
	log('a class of 300 replayed against the class listener (bench/class.mjs)');
	const out = execFileSync(node, [path.join(root, 'bench', 'class.mjs'), cli, '300', '10000', '10000'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const figures = JSON.parse(out);
	const perSecond = value => `${Math.round(value).toLocaleString('en')}/s`;
	row('class: registry events', perSecond(figures.eventsPerSecond), '≥ 5,000/s', figures.eventsPerSecond >= 5000, `${figures.events} events, one per POST`);
	const reportsNote = `${figures.reports} reports from ${figures.students} students`;
	row('class: reports', perSecond(figures.reportsPerSecond), '≥ 2,000/s', figures.reportsPerSecond >= 2000, reportsNote);
	row(
		'class: last report in class status',
		figures.visibleMs === null ? 'never' : ms(figures.visibleMs),
		'≤ 1 s',
		figures.visibleMs !== null && figures.visibleMs <= 1000,
		`class status itself ${ms(figures.statusMs)}; sign-in of ${figures.students} ${ms(figures.signInMs)}`,
	);
	row('class: listener peak RSS', `${(figures.rssKb / 1024).toFixed(1)} MB`, '≤ 100 MB', figures.rssKb <= 100 * 1024, 'through the whole replay');
}

// tmux: a real pseudo-terminal, 100x30.
const tmux = (...argv) => execFileSync('tmux', argv, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
let sessionCount = 0;
const keeper = `rl-bench-keep-${process.pid}`;
tmux('new-session', '-d', '-s', keeper, '-x', '100', '-y', '30', 'sleep 100000');
const sessions = new Set([keeper]);
const stopSession = name => {
	try {
		tmux('kill-session', '-t', name);
	} catch {
		// Already gone: the app ended it, or tmux did.
	}
	sessions.delete(name);
};
process.on('exit', () => {
	for (const name of sessions) stopSession(name);
});
// The app keeps progress (conf, under XDG_CONFIG_HOME): a bench run gets a config home of its own, so it neither
// reads a student's progress (a resume offer instead of the start screen) nor leaves any behind.
const configHome = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-bench-config-'));
process.on('exit', () => rmSync(configHome, {recursive: true, force: true}));
function startInTmux(command, env = {}) {
	const name = `rl-bench-${process.pid}-${sessionCount++}`;
	rmSync(path.join(configHome, 'registry-lab'), {recursive: true, force: true});
	const envArgs = Object.entries({XDG_CONFIG_HOME: configHome, ...env}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', ...envArgs, `exec ${command}`);
	sessions.add(name);
	const pid = Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());
	return {name, pid};
}
const capture = name => tmux('capture-pane', '-p', '-J', '-t', name);
async function waitFor(name, pattern, timeoutMs = 20_000, pollMs = 2) {
	const until = performance.now() + timeoutMs;
	for (;;) {
		const screen = capture(name);
		const found = typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen);
		if (found) return screen;
		if (performance.now() > until) throw new Error(`timed out waiting for ${pattern} in tmux; the screen:\n${screen}`);
		if (pollMs) await sleep(pollMs);
	}
}
const sessionAlive = name => spawnSync('tmux', ['has-session', '-t', name]).status === 0;
const keys = (name, ...names) => tmux('send-keys', '-t', name, ...names);
const shellQuote = text => `'${text.replaceAll("'", "'\\''")}'`;
const procStat = pid => {
	const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	// utime, stime, cutime, cstime (fields 14-17), in clock ticks.
	return fields.slice(11, 15).map(Number);
};
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;
const cpuSeconds = pid => procStat(pid).reduce((sum, value) => sum + value, 0) / ticks;
// The process alone (utime + stime), without the children it has waited for (cutime + cstime).
const ownCpuSeconds = pid => procStat(pid).slice(0, 2).reduce((sum, value) => sum + value, 0) / ticks;
const vmHwmKb = pid => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

// 3. Time to the first frame of the start screen, against bare node printing the same words, same harness.
const startText = 'Where will you push';
if (want('first-frame')) {
	const frame = async command => {
		const start = performance.now();
		const {name} = startInTmux(command);
		await waitFor(name, startText, 20_000, 0);
		const elapsed = performance.now() - start;
		stopSession(name);
		return elapsed;
	};
	const bareCommand = `${shellQuote(node)} -e ${shellQuote(`console.log(${JSON.stringify(startText)}); setTimeout(() => {}, 60000)`)}`;
	// With several lessons the app starts at the lesson menu: name one, to reach its start screen.
	const labCommand = `${shellQuote(node)} ${shellQuote(cli)} --lesson registries`;
	await frame(bareCommand);
	await frame(labCommand);
	const bare = [];
	const lab = [];
	const frameRuns = Math.max(5, Math.ceil(runs / 2));
	for (let i = 0; i < frameRuns; i++) {
		bare.push(await frame(bareCommand));
		lab.push(await frame(labCommand));
	}
	const ratio = median(lab) / median(bare);
	row(
		'first frame (start screen, tmux)',
		`${ms(median(lab))} = ${ratio.toFixed(2)}x node`,
		'≤ 4x node',
		ratio <= 4,
		`node printing the same text: ${ms(median(bare))}; median of ${frameRuns}`,
	);
}

// 4 and 5. The interactive app through the practice lesson in tmux: peak RSS, and the CPU of the push step.
const dockerdPid = Number(spawnSync('pidof', ['dockerd'], {encoding: 'utf8'}).stdout.trim().split(' ')[0]) || undefined;
let pushBaseline;
let latency;
if (want('app') && !args.includes('--no-push')) {
	const images = execFileSync('docker', ['images', '-q', benchImage], {encoding: 'utf8'}).trim();
	if (!images) {
		log(`making ${benchImage} (200 MB of random bytes in one layer; kept for later runs)`);
		const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-bench-'));
		execFileSync('sh', ['-c', `head -c 209715200 /dev/urandom > big.bin && tar cf big.tar big.bin && docker import big.tar ${benchImage} >/dev/null`], {
			cwd: dir,
		});
		rmSync(dir, {recursive: true, force: true});
	}
	// Plain docker push to a practice registry (and the check latencies, on the same registry).
	log('checks and plain docker push (bench/checks.ts through tsx)');
	const checksOut = execFileSync(
		path.join(root, 'node_modules', '.bin', 'tsx'),
		[path.join(root, 'bench', 'checks.ts'), benchImage, String(Math.max(5, Math.ceil(runs / 2)))],
		{cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']},
	);
	const checks = JSON.parse(checksOut.trim().split('\n').at(-1));
	pushBaseline = {...checks.dockerPush};
	latency = checks.latency;
}

if (want('app')) {
	const config = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-bench-docker-'));
	writeFileSync(path.join(config, 'config.json'), '{"auths": {}}\n');
	log('the interactive app in tmux (--practice)');
	const {name, pid} = startInTmux(`${[node, ...appNodeArgs, cli].map(shellQuote).join(' ')} --lesson registries --practice`, {
		DOCKER_CONFIG: config,
		...(appNodeOptions ? {NODE_OPTIONS: appNodeOptions} : {}),
	});
	let peakNote = 'start screen only';
	try {
		await waitFor(name, 'What a registry is', 30_000);
		const atStart = vmHwmKb(pid);
		let pushCpu;
		let pushDockerd;
		if (!args.includes('--no-push')) {
			// Walk the lesson as a student would, reading the screen: robust to how each step asks.
			let password = '';
			let before;
			let ownBefore;
			let dockerdBefore;
			let wallStart;
			let last = '';
			let listMoves = 0;
			const listLimit = 2 * execFileSync('docker', ['images', '-q'], {encoding: 'utf8'}).split('\n').length + 10;
			const until = performance.now() + 240_000;
			const changed = async previous => {
				const stop = performance.now() + 5000;
				while (performance.now() < stop && capture(name) === previous) await sleep(20);
			};
			for (;;) {
				if (performance.now() > until) throw new Error(`the lesson did not reach the end of the push; the screen:\n${capture(name)}`);
				const screen = capture(name);
				if (before !== undefined && /The registry has/.test(screen)) break;
				if (screen === last) {
					await sleep(20);
					continue;
				}
				const account = /password: (\S+)/.exec(screen);
				if (account) password = account[1];
				if (/Password for \S+ on/.test(screen) && /› *$/m.test(screen)) {
					// Keys typed before the input is mounted are lost: type until the masked password shows.
					keys(name, '-l', password);
					try {
						await waitFor(name, new RegExp(`› \\*{${password.length}}\\s*$`, 'm'), 1500);
						keys(name, 'Enter');
					} catch {
						for (let i = 0; i < 40; i++) keys(name, 'BSpace');
					}
				} else if (/Image to push/.test(screen) && /Filter:/.test(screen)) {
					// The picker filters as you type: type the benchmark image's name, then take the highlighted row.
					const highlighted = screen.split('\n').find(text => /^ › \S/.test(text)) ?? '';
					if (++listMoves > listLimit) throw new Error(`${benchImage} is not in the image list:\n${screen}`);
					if (highlighted.includes(`${benchImage} `)) {
						if (args.includes('--verbose')) log(`image picker:\n${screen}`);
						keys(name, 'Enter');
					} else if (!screen.includes(`Filter: ${benchImage}`)) {
						keys(name, '-l', benchImage);
					} else {
						keys(name, 'Down');
					}
					last = screen;
					await changed(screen);
					continue;
				} else if (/Push it/.test(screen) && before === undefined && /docker push|Type the command yourself/.test(screen) && !/Checking/.test(screen)) {
					await sleep(200);
					before = cpuSeconds(pid);
					ownBefore = ownCpuSeconds(pid);
					dockerdBefore = dockerdPid ? cpuSeconds(dockerdPid) : Number.NaN;
					wallStart = performance.now();
					// Typed-command steps: tab runs the expected command; otherwise enter runs it.
					if (args.includes('--verbose')) log(`push step:\n${screen}`);
					keys(name, /Type the command yourself/.test(screen) ? 'Tab' : 'Enter');
				} else if (/Type the command yourself/.test(screen)) {
					keys(name, 'Tab');
				} else if (/enter /.test(screen) && !/Running|Checking/.test(screen)) {
					if (args.includes('--verbose')) log(`enter on:\n${screen}`);
					keys(name, 'Enter');
				} else {
					await sleep(20);
					continue;
				}
				last = screen;
				await changed(screen);
			}
			pushCpu = cpuSeconds(pid) - before;
			const ownCpu = ownCpuSeconds(pid) - ownBefore;
			const finalScreen = capture(name);
			const pushedTarget = /docker push (\S+)/.exec(finalScreen)?.[1];
			const pushedId = pushedTarget
				? spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', pushedTarget], {encoding: 'utf8'}).stdout.trim()
				: '';
			const benchId = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', benchImage], {encoding: 'utf8'}).stdout.trim();
			// The lab's tag of the benchmark image goes; the image itself is kept for the next run.
			if (pushedTarget && pushedTarget !== benchImage) spawnSync('docker', ['rmi', pushedTarget], {stdio: 'ignore'});
			if (!pushedId || pushedId !== benchId) {
				throw new Error(`the lab pushed ${pushedTarget ?? 'nothing'}, not ${benchImage}; the screen:\n${finalScreen}`);
			}
			if (args.includes('--verbose')) log(`after the push:\n${capture(name)}`);
			pushDockerd = dockerdPid ? cpuSeconds(dockerdPid) - dockerdBefore : Number.NaN;
			const wall = (performance.now() - wallStart) / 1000;
			peakNote = 'through the practice lesson to the end of a 200 MB push';
			const ratio = pushCpu / pushBaseline.cpuSeconds;
			const details =
				`the lab ${ownCpu.toFixed(2)} s, its docker child ${(pushCpu - ownCpu).toFixed(2)} s; 200 MB layer; ` +
				`wall ${wall.toFixed(1)} s vs ${pushBaseline.wallSeconds.toFixed(1)} s; ${ticks} Hz ticks`;
			if (dockerdPid) {
				// The standing budget: the lab's own CPU against all the push took (the lab, its docker child, dockerd).
				const whole = pushCpu + pushDockerd;
				const share = ownCpu / whole;
				row(
					"the lab's own CPU during a push",
					`${ownCpu.toFixed(2)} s of ${whole.toFixed(2)} s = ${(share * 100).toFixed(1)} %`,
					"≤ 5 % of the push's whole CPU",
					share <= 0.05,
					'the whole: registry-lab, its docker child and dockerd; 200 MB layer',
				);
			}
			row(
				'push CPU (registry-lab + docker child)',
				`${pushCpu.toFixed(2)} s vs ${pushBaseline.cpuSeconds.toFixed(2)} s = ${ratio.toFixed(1)}x`,
				'',
				undefined,
				`against a plain docker push, whose client alone is tiny; ${details}`,
			);
			if (dockerdPid) {
				const baselineWithDaemon = pushBaseline.cpuSeconds + pushBaseline.dockerdSeconds;
				const withDaemon = (pushCpu + pushDockerd) / baselineWithDaemon;
				row(
					'push CPU, dockerd included',
					`${(pushCpu + pushDockerd).toFixed(2)} s vs ${baselineWithDaemon.toFixed(2)} s = ${withDaemon.toFixed(2)}x`,
					'(≤ 1.2x)',
					withDaemon <= 1.2,
					'the daemon does the compressing and uploading',
				);
			}
		}
		const peak = vmHwmKb(pid);
		row(
			'peak RSS (interactive app)',
			`${(peak / 1024).toFixed(1)} MB`,
			'≤ 80 MB',
			peak <= 80 * 1024,
			`${peakNote}; at the first lesson screen ${(atStart / 1024).toFixed(1)} MB`,
		);
		// Leave the lesson (the app stops its practice registry); the session ends with it.
		for (let i = 0; i < 20 && sessionAlive(name); i++) {
			if (i % 5 === 0) keys(name, 'C-c');
			await sleep(100);
		}
	} finally {
		stopSession(name);
		rmSync(config, {recursive: true, force: true});
	}
}

if (latency) {
	for (const [check, figure] of Object.entries(latency)) {
		row(
			`check: ${check}`,
			`${ms(figure.medianMs)} (max ${ms(figure.maxMs)})`,
			'< 300 ms',
			figure.ok && figure.maxMs < 300,
			figure.ok ? 'loopback practice registry' : `FAILED: ${figure.summary}`,
		);
	}
}

const header = {what: 'measure', figure: 'figure', target: 'target', verdict: '', note: 'note'};
const widths = Object.fromEntries(Object.keys(header).map(key => [key, Math.max(...[header, ...rows].map(entry => String(entry[key]).length))]));
const line = entry =>
	Object.keys(header)
		.map(key => String(entry[key]).padEnd(widths[key]))
		.join('  ')
		.trimEnd();
const nodeOptionsNote = appNodeOptions ? ` · app NODE_OPTIONS=${appNodeOptions}` : '';
const title = `registry-lab bench · node ${process.version}${nodeOptionsNote} · ${os.cpus().length} CPU · ${new Date().toISOString()}`;
const rule = Object.values(widths).map(width => '-'.repeat(width)).join('  ');
process.stdout.write(`\n${title}\n\n${line(header)}\n${rule}\n${rows.map(line).join('\n')}\n`);
