/**
 * The CodeMirror 6 editor for lesson code: TypeScript, Ctrl/Cmd+Enter runs, and Starlight's
 * light or dark theme followed live. Loaded on demand, so the page is usable before it is.
 */
import { EditorView, basicSetup } from 'codemirror'
import { keymap } from '@codemirror/view'
import { Compartment, EditorState, Prec } from '@codemirror/state'
import { javascript } from '@codemirror/lang-javascript'
import { oneDark } from '@codemirror/theme-one-dark'

export interface EditorOptions {
  parent: HTMLElement
  doc: string
  label: string
  onChange(doc: string): void
  onRun(): void
}

export interface LessonEditor {
  setDoc(doc: string): void
  focus(): void
  destroy(): void
}

/** Mounts an editor in `parent`. */
export function mountEditor({ parent, doc, label, onChange, onRun }: EditorOptions): LessonEditor {
  const theme = new Compartment()
  const isDark = () => document.documentElement.dataset.theme === 'dark'

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        // Above basicSetup's keymap, where Mod-Enter would insert a blank line.
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onRun(), true) }])),
        basicSetup,
        javascript({ typescript: true }),
        theme.of(isDark() ? oneDark : []),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString())
        }),
      ],
    }),
  })

  const observer = new MutationObserver(() =>
    view.dispatch({ effects: theme.reconfigure(isDark() ? oneDark : []) }),
  )
  observer.observe(document.documentElement, { attributeFilter: ['data-theme'] })

  return {
    setDoc(next) {
      if (next === view.state.doc.toString()) return
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } })
    },
    focus: () => view.focus(),
    destroy() {
      observer.disconnect()
      view.destroy()
    },
  }
}
