import type { TableErrorInfo } from '../../api';

/** What is wrong, where, and what to do. */
export function ErrorBox({ title, error, onDismiss, testId }: { title: string; error: TableErrorInfo; onDismiss?: () => void; testId: string }) {
  const where = [error.row !== undefined ? `row ${error.row}` : null, error.column ? `column "${error.column}"` : null].filter(Boolean).join(', ');
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <div className="error-title">{title}</div>
      <div className="error-message">{error.message}</div>
      {where && <div className="error-where">Where: {where}</div>}
      {error.hint && <div className="error-hint">What to do: {error.hint}</div>}
      {onDismiss && (
        <button type="button" className="linkish" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
