// Light/dark: follows prefers-color-scheme until the toggle picks one (remembered in localStorage).

type Theme = 'auto' | 'light' | 'dark';
const KEY = 'lambda-ml-console-theme';
const ORDER: readonly Theme[] = ['auto', 'light', 'dark'];

export function setupTheme(button: HTMLButtonElement, changed: () => void): void {
  let theme = (localStorage.getItem(KEY) as Theme | null) ?? 'auto';
  const apply = () => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    button.textContent = `Theme: ${theme}`;
    button.setAttribute('aria-label', `Colour theme: ${theme} (click to change)`);
  };
  apply();
  button.addEventListener('click', () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length] as Theme;
    localStorage.setItem(KEY, theme);
    apply();
    changed();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (theme === 'auto') changed();
  });
}
