/** A panel whose feature has not landed yet says so plainly. */
export function Placeholder({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div className="panel placeholder" data-testid={testId}>
      <h2>{title}</h2>
      <p className="muted">Not built yet. {text}</p>
    </div>
  );
}
