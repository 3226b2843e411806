/**
 * A practice registry on this computer, composed of its parts in practice/: the data folder
 * and accounts, the registry program or the registry:2 container, waiting until it answers,
 * and the clean-up when the lab ends.
 */
import net from 'node:net';
import {defaultEngine} from '../container/engine.js';
import {errorText} from './http-util.js';
import {prepareDataDir, resolveAccounts, type DataDir} from './practice/data-dir.js';
import {canceled, failure, installHint, logoutFrom, portTaken, practiceIp, type Context, type StartOptions, type StartResult} from './practice/outcome.js';
import {findRegistryBinary, startBinary} from './practice/run-binary.js';
import {startContainer} from './practice/run-container.js';
import {cleanUpOrphans, defaultRunsDir, recordRun} from './practice/run-records.js';

export type {PracticeAccount, PracticeRegistry, StartFailure, StartOptions, StartResult} from './practice/outcome.js';
export {findRegistryBinary, registryConfig} from './practice/run-binary.js';

const defaultStartTimeoutMs = 15_000;
const portTries = 5;

/**
 * Start a practice registry: a registry program on this computer if there is one,
 * else the registry:2 image through the engine. Never throws; a failure says what to do next.
 */
export async function startPracticeRegistry(options: StartOptions = {}): Promise<StartResult> {
	const accounts = resolveAccounts(options.accounts);
	if (!accounts.ok) return accounts;
	if (options.signal?.aborted) return canceled();
	const engine = options.engine ?? defaultEngine('docker');
	const runsDir = options.runsDir ?? defaultRunsDir();
	// A lab killed before it could stop its registry left it running, with its files: this start cleans that up.
	const notice = await cleanUpOrphans(runsDir, logoutFrom);
	const withNotice = (result: StartResult): StartResult => (notice ? {...result, notice} : result);

	const binary = options.how === 'container' ? null : (options.binary ?? (await findRegistryBinary()));
	if (options.how === 'binary' && binary === null) {
		return withNotice(failure('There is no registry program on this computer (looked for `registry` and `docker-registry`).', installHint));
	}

	let data: DataDir;
	try {
		data = await prepareDataDir(options.dataDir, accounts.value.lines);
	} catch (error) {
		return withNotice(
			failure(
				`Could not write the practice registry's files: ${errorText(error)}`,
				'Check that the data directory (by default one in the temp directory) can be written to and the disk is not full, then try again.',
			),
		);
	}
	const record = recordRun(runsDir, options.keepData ? [] : data.entries);

	const context: Context = {options, accounts: accounts.value.accounts, data, timeoutMs: options.startTimeoutMs ?? defaultStartTimeoutMs, engine, record};
	let result: StartResult | undefined;
	try {
		for (let attempt = 1; result === undefined; attempt++) {
			const port = options.port ?? (await freePort());
			const outcome = binary === null ? await startContainer(context, port) : await startBinary(context, binary, port);
			if (outcome.kind === 'started') result = outcome.registry;
			else if (outcome.kind === 'port-taken' && options.port === undefined && attempt < portTries) continue;
			else result = outcome.kind === 'port-taken' ? portTaken(port, outcome.log) : outcome.failure;
		}
	} catch (error) {
		result = failure(
			`The practice registry could not be started: ${errorText(error)}`,
			'Try again; if it keeps failing, run `registry-lab doctor` and share its output.',
		);
	}
	if (!result.ok) {
		if (!options.keepData) await data.remove();
		record.forget();
	}
	return withNotice(result);
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, practiceIp, () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
