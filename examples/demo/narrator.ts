/** How the demo talks: timestamped steps, indented detail, on stdout. */
export class Narrator {
  private readonly started = Date.now();

  elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)} s`;
  }

  step(text: string): void {
    process.stdout.write(`\n[${this.elapsed()}] ==> ${text}\n`);
  }

  say(text: string): void {
    process.stdout.write(`${text.split("\n").map((l) => `           ${l}`).join("\n")}\n`);
  }
}
