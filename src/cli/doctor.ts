// `npm run doctor`: checks the settings, Discord, the database, the disk and Hearth's permissions,
// each with a fix; changes nothing. Exit code 0 when all is well, 1 otherwise.
import { runDoctor, type Verdict } from '../ops/doctor';
import { VERSION } from '../ops/runtime';
import { loadEnvFile, runProgram } from './program';

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

await runProgram(async () => {
  loadEnvFile();
  console.log(`Hearth doctor (Hearth ${VERSION}, Node ${process.version})`);
  const findings = await runDoctor(process.env, (finding) => {
    console.log(`${MARK[finding.verdict]}  ${finding.check}: ${finding.detail}`);
    if (finding.fix) console.log(`      Fix: ${finding.fix}`);
  });
  const failures = findings.filter((f) => f.verdict === 'fail').length;
  console.log(failures ? `${failures} problem${failures === 1 ? '' : 's'} found.` : 'Everything Hearth needs is in place.');
  return failures ? 1 : 0;
});
