/** The code editor: plain code at first, CodeMirror once its module has loaded. */
import { useEffect, useRef, useState } from 'react'
import type { LessonEditor } from './editor-view.ts'

export interface CodeEditorProps {
  value: string
  label: string
  onChange(value: string): void
  onRun(): void
}

/** Renders the TypeScript editor for an example. */
export function CodeEditor({ value, label, onChange, onRun }: CodeEditorProps) {
  const parent = useRef<HTMLDivElement>(null)
  const editor = useRef<LessonEditor | null>(null)
  const [isLoaded, setLoaded] = useState(false)
  // The editor is created once; callbacks read the latest props through this ref.
  const latest = useRef({ value, onChange, onRun })
  latest.current = { value, onChange, onRun }

  useEffect(() => {
    let isCancelled = false
    import('./editor-view.ts').then(({ mountEditor }) => {
      if (isCancelled || !parent.current) return
      editor.current = mountEditor({
        parent: parent.current,
        doc: latest.current.value,
        label,
        onChange: (doc) => latest.current.onChange(doc),
        onRun: () => latest.current.onRun(),
      })
      setLoaded(true)
    })
    return () => {
      isCancelled = true
      editor.current?.destroy()
      editor.current = null
    }
  }, [label])

  useEffect(() => editor.current?.setDoc(value), [value])

  return (
    <div className="sb-editor" ref={parent}>
      {!isLoaded && <pre className="sb-editor-fallback">{value}</pre>}
    </div>
  )
}
