/**
 * One synth of a bench app, alone in its process so its time and peak memory are its own:
 *
 *   node synth-child.js <keyplane|baseline> <consumers> <outdir>
 */
import { App } from 'cdktf';
import { APP_KINDS, APPS, AppKind } from './apps';

const [kind, consumers, outdir] = process.argv.slice(2);
if (!APP_KINDS.includes(kind as AppKind) || !consumers || !outdir) {
  throw new Error(`usage: synth-child <${APP_KINDS.join('|')}> <consumers> <outdir>`);
}
const app = new App({ outdir });
APPS[kind as AppKind](app, Number(consumers));
app.synth();
