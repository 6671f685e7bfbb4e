"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useState } from "react";
import { readToken, saveToken, tokenChangeEvent } from "../lib/token";

/** Reads the saved token and follows changes made elsewhere on the page. */
export function useApiToken(): [string, (token: string) => void] {
  const [token, setToken] = useState("");
  useEffect(() => {
    setToken(readToken());
    const update = () => setToken(readToken());
    window.addEventListener(tokenChangeEvent, update);
    return () => window.removeEventListener(tokenChangeEvent, update);
  }, []);
  return [
    token,
    (next: string) => {
      setToken(next);
      saveToken(next);
    },
  ];
}

/** Token entry for writes (and, on a private server, reads); kept for this browser session. */
export function TokenField({ error }: { error?: string | undefined }) {
  const [token, setToken] = useApiToken();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>API token</label>
      <input
        id={id}
        name="apiToken"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(event) => setToken(event.target.value.trim())}
        placeholder="a token from `threadbench token create` or the server's data/api-token"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} className={error ? "field-error" : "hint"}>
        {error ??
          "Needed for changes (starting or cancelling runs, regression status) and, on a private server, to read. Kept for this browser session only."}
      </span>
    </div>
  );
}

/**
 * What a page shows when the API refused to read without a (suitable) token: a private
 * server. The token is kept for the session (and in a same-site cookie for the
 * dashboard's server), then the page is rendered again with it.
 */
export function TokenPrompt() {
  const [token, setToken] = useApiToken();
  const [draft, setDraft] = useState("");
  const router = useRouter();
  const id = useId();
  useEffect(() => setDraft(token), [token]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setToken(draft);
    router.refresh();
  };
  return (
    <form className="token-prompt" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>API token with the read scope</label>
        <input
          id={id}
          name="apiToken"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(event) => setDraft(event.target.value.trim())}
          aria-describedby={`${id}-hint`}
        />
        <span id={`${id}-hint`} className="hint">
          This server is private: every page needs a token. It is kept for this browser session only and never
          put in a URL.
        </span>
      </div>
      <button type="submit" className="button" disabled={!draft}>
        Use token
      </button>
    </form>
  );
}
