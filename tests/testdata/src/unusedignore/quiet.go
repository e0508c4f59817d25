package unusedignore

//leakls:file-ignore after-in-loop no loop here any more // want `unused-ignore: //leakls:file-ignore silences nothing: no after-in-loop finding in this file`

//leakls:file-ignore unstopped-ticker // want `unused-ignore: //leakls:file-ignore unstopped-ticker has no reason`

func quiet() {}
