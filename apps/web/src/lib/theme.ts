/**
 * Theme choice: "system" follows prefers-color-scheme; "light" and "dark" are set
 * on <html data-theme> and saved in localStorage.
 */
export const themeChoices = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof themeChoices)[number];

export const themeStorageKey = "threadbench.theme";
/** Fired on window after the theme changes, so charts can re-read their colours. */
export const themeChangeEvent = "threadbench:themechange";

/** Runs inline in <head> before the first paint. */
export const themeScript = `try{var t=localStorage.getItem("${themeStorageKey}");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  const index = themeChoices.indexOf(choice);
  return themeChoices[(index + 1) % themeChoices.length] as ThemeChoice;
}
