"use client";

import { useEffect, useId, useState } from "react";
import { readToken, saveToken, tokenChangeEvent } from "../lib/token";

/** Reads the saved token and follows changes made elsewhere on the page. */
export function useApiToken(): [string, (token: string) => void] {
  const [token, setToken] = useState("");
  useEffect(() => {
    setToken(readToken());
    const update = () => setToken(readToken());
    window.addEventListener(tokenChangeEvent, update);
    window.addEventListener("storage", update);
    return () => {
      window.removeEventListener(tokenChangeEvent, update);
      window.removeEventListener("storage", update);
    };
  }, []);
  return [
    token,
    (next: string) => {
      setToken(next);
      saveToken(next);
    },
  ];
}

/** Token entry for writes; saved in this browser only. */
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
        placeholder="one of the server's THREADBENCH_API_TOKENS"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} className={error ? "field-error" : "hint"}>
        {error ??
          "Needed for changes: starting or cancelling runs, regression status. Kept in this browser's local storage only."}
      </span>
    </div>
  );
}
