// Mounts the console on the terminal's alternate screen and resolves with the exit code once
// the operator quits. The normal screen comes back however it ends (q, Ctrl-C, an error).
import { useEffect, useState } from 'react';
import { render } from 'ink';
import type { ConsoleServices } from '../../console/services.js';
import { ConsoleApp } from './console-app.js';

export interface ConsoleTerminal {
  readonly stdout: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly color: boolean;
  readonly refreshMs?: number;
}

function Sized({ out, children }: { out: NodeJS.WriteStream; children: (w: number, h: number) => React.ReactElement }) {
  const size = () => ({ w: Math.max(40, (out.columns || 80) - 1), h: Math.max(10, out.rows || 24) });
  const [s, setS] = useState(size);
  useEffect(() => {
    const onResize = () => setS(size());
    out.on('resize', onResize);
    return () => void out.off('resize', onResize);
  }, [out]);
  return children(s.w, s.h);
}

const ALT_ON = '\u001b[?1049h\u001b[H';
const ALT_OFF = '\u001b[?1049l';

export async function runConsole(services: ConsoleServices, term: ConsoleTerminal): Promise<number> {
  term.stdout.write(ALT_ON);
  const restore = () => term.stdout.write(ALT_OFF);
  process.once('exit', restore);
  let code = 0;
  try {
    const app = render(
      <Sized out={term.stdout}>
        {(w, h) => (
          <ConsoleApp
            services={services}
            width={w}
            height={h}
            color={term.color}
            refreshMs={term.refreshMs}
            onExit={(c) => {
              code = c;
              app.unmount();
            }}
          />
        )}
      </Sized>,
      { stdout: term.stdout, stdin: term.stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 15 },
    );
    await app.waitUntilExit();
  } finally {
    process.off('exit', restore);
    restore();
  }
  return code;
}
