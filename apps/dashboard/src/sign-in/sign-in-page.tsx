import { useState, type FormEvent } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import { useI18n } from '../shared/i18n';

/** Paste a token; the app checks it with the API (GET /api/session) before showing any page. */
export function SignInPage({ message, onSignIn }: { message?: string; onSignIn: (token: string) => Promise<string | undefined> }) {
  const { t } = useI18n();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(await onSignIn(token.trim()));
    setBusy(false);
  };
  return (
    <Card className="mx-auto mt-4 sign-in">
      <Card.Body>
        <h1 className="h3">{t.signInTitle}</h1>
        {message && !error && (
          <Alert variant="warning" role="alert" data-sign-in-message>
            {message}
          </Alert>
        )}
        {error && (
          <Alert variant="danger" role="alert" data-sign-in-message>
            {error}
          </Alert>
        )}
        <Form onSubmit={submit}>
          <Form.Group controlId="token" className="mb-3">
            <Form.Label>{t.token}</Form.Label>
            <Form.Control
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-describedby="token-help"
            />
            <Form.Text id="token-help">{t.signInHelp}</Form.Text>
          </Form.Group>
          <Button type="submit" disabled={busy || token.trim() === ''}>
            {t.signIn}
          </Button>
        </Form>
      </Card.Body>
    </Card>
  );
}
