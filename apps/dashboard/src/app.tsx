import { useEffect, useMemo, useState } from 'react';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Container from 'react-bootstrap/Container';
import Form from 'react-bootstrap/Form';
import Nav from 'react-bootstrap/Nav';
import Navbar from 'react-bootstrap/Navbar';
import Spinner from 'react-bootstrap/Spinner';
import { ApiClient, ApiError, tokenStore } from './api/api-client';
import type { Lang, Session } from './api/api-types';
import { HistoryPage } from './history/history-page';
import { PrintPage } from './print/print-page';
import { ProgrammePage } from './programme/programme-page';
import { ProjectPage } from './project/project-page';
import { ProjectsPage } from './projects/projects-page';
import { AppContext } from './shared/app-context';
import { I18nContext, i18nFor } from './shared/i18n';
import { href, useRoute, type Route } from './shared/router';
import { SignInPage } from './sign-in/sign-in-page';

const LANG_KEY = 'programme-ledger.lang';

function Page({ route }: { route: Route }) {
  const [first, id, sub, stream] = route.path;
  if (first === 'projects' && id && sub === 'print') return <PrintPage projectId={id} route={route} />;
  if (first === 'projects' && id && sub === 'history' && stream) return <HistoryPage key={stream} projectId={id} streamName={stream} />;
  if (first === 'projects' && id) return <ProjectPage key={id} projectId={id} route={route} />;
  if (first === 'programme') return <ProgrammePage />;
  if (first === 'history' && id) return <HistoryPage key={id} streamName={id} />;
  return <ProjectsPage />;
}

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'sv' ? 'sv' : 'en'));
  const i18n = useMemo(() => i18nFor(lang), [lang]);
  // A reload shows the page at once for the session the API last confirmed, and checks it again alongside the
  // page's own calls rather than before them.
  const [session, setSession] = useState<Session | null>(() => tokenStore.session());
  const [checking, setChecking] = useState(() => tokenStore.get() !== null && tokenStore.session() === null);
  const [message, setMessage] = useState<string | undefined>();
  const route = useRoute();

  const api = useMemo(
    () =>
      new ApiClient((apiMessage) => {
        // A refused token ends the session wherever it happens; the person signs in again.
        tokenStore.clear();
        setSession(null);
        setMessage(`${i18nFor(lang).t.sessionEnded} (${apiMessage})`);
      }),
    [lang],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  useEffect(() => {
    if (!tokenStore.get()) return;
    api
      .session()
      .then((confirmed) => {
        tokenStore.rememberSession(confirmed);
        setSession(confirmed);
      }, () => undefined)
      .finally(() => setChecking(false));
    // Only on load: later refusals come through onUnauthorized.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const signIn = async (token: string): Promise<string | undefined> => {
    tokenStore.set(token);
    try {
      const confirmed = await api.session();
      tokenStore.rememberSession(confirmed);
      setSession(confirmed);
      setMessage(undefined);
      return undefined;
    } catch (error) {
      tokenStore.clear();
      return error instanceof ApiError ? error.message : String(error);
    }
  };
  const signOut = () => {
    tokenStore.clear();
    setSession(null);
    setMessage(undefined);
  };

  const active = route.path[0] ?? 'projects';
  return (
    <I18nContext.Provider value={i18n}>
      <a className="visually-hidden-focusable" href="#main">
        {i18n.t.skipToContent}
      </a>
      <header>
        <Navbar bg="dark" data-bs-theme="dark" expand="md" className="d-print-none">
          <Container fluid>
            <Navbar.Brand href={href(['projects'])}>{i18n.t.appName}</Navbar.Brand>
            {session && (
              <Nav className="me-auto" aria-label={i18n.t.appName}>
                <Nav.Link href={href(['projects'])} active={active === 'projects'} aria-current={active === 'projects' ? 'page' : undefined}>
                  {i18n.t.projects}
                </Nav.Link>
                <Nav.Link href={href(['programme'])} active={active === 'programme'} aria-current={active === 'programme' ? 'page' : undefined}>
                  {i18n.t.programme}
                </Nav.Link>
              </Nav>
            )}
            <div className="d-flex align-items-center gap-2 ms-auto text-light">
              {session && (
                <span data-session-role={session.role}>
                  {i18n.t.signedInAs} <strong data-session-actor>{session.actor}</strong>{' '}
                  <Badge bg="info" text="dark">
                    {i18n.t.role}: {i18n.t.roles[session.role]}
                  </Badge>
                </span>
              )}
              <Form.Select
                size="sm"
                className="w-auto"
                aria-label={i18n.t.language}
                value={lang}
                onChange={(e) => setLang(e.target.value === 'sv' ? 'sv' : 'en')}
              >
                <option value="en">English</option>
                <option value="sv">Svenska</option>
              </Form.Select>
              {session && (
                <Button size="sm" variant="outline-light" onClick={signOut}>
                  {i18n.t.signOut}
                </Button>
              )}
            </div>
          </Container>
        </Navbar>
      </header>
      <main id="main" tabIndex={-1}>
        <Container fluid className="py-3">
          {checking ? (
            <Spinner animation="border" role="status">
              <span className="visually-hidden">{i18n.t.loading}</span>
            </Spinner>
          ) : session ? (
            <AppContext.Provider value={{ api, session }}>
              <Page route={route} />
            </AppContext.Provider>
          ) : (
            <SignInPage message={message} onSignIn={signIn} />
          )}
        </Container>
      </main>
    </I18nContext.Provider>
  );
}
