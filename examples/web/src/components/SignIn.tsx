import { createClient, login, signup, type SessionDto } from '@parley/client';
import { type FormEvent, useState } from 'react';
import { describeError } from '../api-error';

const anonymous = createClient({ baseUrl: window.location.origin });

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: SessionDto) => void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    setBusy(true);
    setError(null);
    try {
      const username = field('username');
      const { data, error: failure } =
        mode === 'login'
          ? await login({ client: anonymous, body: { username, password: field('password') } })
          : await signup({
              client: anonymous,
              body: { username, email: field('email'), password_1: field('password'), password_2: field('password_2') },
            });
      if (data) onSignedIn(data);
      else setError(describeError(failure));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Parley</h1>
      {notice && <p className="notice">{notice}</p>}
      <form onSubmit={(event) => void submit(event)}>
        <h2>{mode === 'login' ? 'Log in' : 'Sign up'}</h2>
        <label>
          Username
          <input name="username" autoComplete="username" required />
        </label>
        {mode === 'signup' && (
          <label>
            Email
            <input name="email" type="email" autoComplete="email" required />
          </label>
        )}
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
          />
        </label>
        {mode === 'signup' && (
          <label>
            Password again
            <input name="password_2" type="password" autoComplete="new-password" required />
          </label>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>
        {mode === 'login' ? 'New here? Sign up' : 'Have an account? Log in'}
      </button>
    </main>
  );
}
