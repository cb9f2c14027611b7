/** A one-line progress spinner on stderr; only ever started when stderr is a terminal. */
export interface Spinner {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function startSpinner(text: string, stream: NodeJS.WriteStream, color: boolean): Spinner {
  let i = 0;
  const draw = () => {
    const frame = FRAMES[i++ % FRAMES.length]!;
    stream.write(`\r\x1b[2K${color ? `\x1b[36m${frame}\x1b[39m` : frame} ${text}…`);
  };
  stream.write('\x1b[?25l'); // hide the cursor while drawing
  draw();
  const timer = setInterval(draw, 80);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stream.write('\r\x1b[2K\x1b[?25h');
    process.off('exit', stop);
  };
  // However the process ends, give the user their cursor back.
  process.on('exit', stop);
  return { stop };
}
